/**
 * A model of JDK 17's `java.util.HashMap` that reproduces its iteration order exactly: the
 * table of buckets indexed by `(h ^ (h >>> 16)) & (cap - 1)`, insertion order within a bucket,
 * the capacity rules of each constructor, resizing (bucket split into a "lo" and a "hi" list
 * that keep their relative order), and tree bins (a bucket of 9+ keys in a table of 64+ slots
 * becomes a red-black tree whose root is moved to the front of the bucket list, and whose new
 * keys are linked right after their tree parent). Lookups go through a JS Map, so the model is
 * O(1) per operation like the original.
 *
 * Written from the documented behaviour of the JDK and checked against a real JVM by the oracle
 * suite (test/oracle/java-collections.test.ts).
 */
import { floatDiv, javaIntCast, spreadHash, tableSizeFor } from './hash';
import type { JavaKeyType } from './keys';

const DEFAULT_CAPACITY = 16;
const MAXIMUM_CAPACITY = 1 << 30;
const LOAD_FACTOR = 0.75;
const TREEIFY_THRESHOLD = 8;
const UNTREEIFY_THRESHOLD = 6;
const MIN_TREEIFY_CAPACITY = 64;

class JNode<K, V> {
  next: JNode<K, V> | null = null;
  // Tree-bin fields (used only while `tree` is true).
  tree = false;
  prev: JNode<K, V> | null = null;
  parent: JNode<K, V> | null = null;
  left: JNode<K, V> | null = null;
  right: JNode<K, V> | null = null;
  red = false;

  constructor(
    readonly hash: number,
    readonly key: K,
    public value: V,
    /** Insertion sequence: a stand-in for System.identityHashCode in tree-bin tie breaks. */
    readonly seq: number,
  ) {}
}

/** `(int) ((float) n / 0.75f) + 1`, Java's usual "capacity for n entries" idiom in HashSet(Collection). */
export function hashSetCopyCapacity(n: number): number {
  return Math.max(javaIntCast(floatDiv(n, LOAD_FACTOR)) + 1, DEFAULT_CAPACITY);
}

export class JavaHashMap<K, V> implements Iterable<[K, V]> {
  private table: (JNode<K, V> | null)[] | null = null;
  private threshold: number;
  private count = 0;
  private seq = 0;
  private readonly index = new Map<string | number, JNode<K, V>>();
  /** True once a tree-bin tie had to be broken by identity (Java's order is then not reproducible). */
  identityTieBreak = false;
  /** True once some bucket became a tree bin. */
  treeified = false;

  /** `new HashMap<>()` or `new HashMap<>(initialCapacity)`. */
  constructor(
    readonly type: JavaKeyType<K>,
    initialCapacity?: number,
  ) {
    if (initialCapacity === undefined) this.threshold = 0;
    else {
      if (initialCapacity < 0) throw new RangeError(`Illegal initial capacity: ${initialCapacity}`);
      this.threshold = tableSizeFor(Math.min(initialCapacity, MAXIMUM_CAPACITY));
    }
  }

  /** `new HashMap<>(other)`: pre-sized from other's size, then filled in other's iteration order. */
  static copyOf<K, V>(
    type: JavaKeyType<K>,
    entries: Iterable<readonly [K, V]>,
    size: number,
  ): JavaHashMap<K, V> {
    const m = new JavaHashMap<K, V>(type);
    m.putAll(entries, size);
    return m;
  }

  get size(): number {
    return this.count;
  }

  /** The table length (0 before the first insertion). */
  get capacity(): number {
    return this.table === null ? 0 : this.table.length;
  }

  has(key: K): boolean {
    return this.index.has(this.type.id(key));
  }

  get(key: K): V | undefined {
    return this.index.get(this.type.id(key))?.value;
  }

  /** `put`: returns the previous value, or undefined when the key was absent. */
  set(key: K, value: V): V | undefined {
    const existing = this.index.get(this.type.id(key));
    if (existing !== undefined) {
      const old = existing.value;
      existing.value = value;
      return old;
    }
    this.insertAtTail(key, value);
    return undefined;
  }

  /** `putIfAbsent`: same placement as put. */
  putIfAbsent(key: K, value: V): V | undefined {
    const existing = this.index.get(this.type.id(key));
    if (existing !== undefined) return existing.value;
    this.insertAtTail(key, value);
    return undefined;
  }

  /** `putAll(m)` / the copy constructor: pre-sizing as JDK 17's putMapEntries, then put each. */
  putAll(entries: Iterable<readonly [K, V]>, size: number): void {
    if (size > 0) {
      if (this.table === null) {
        const ft = Math.fround(floatDiv(size, LOAD_FACTOR) + 1);
        const t = ft < MAXIMUM_CAPACITY ? javaIntCast(ft) : MAXIMUM_CAPACITY;
        if (t > this.threshold) this.threshold = tableSizeFor(t);
      } else {
        while (size > this.threshold && this.table.length < MAXIMUM_CAPACITY) this.resize();
      }
    }
    for (const [k, v] of entries) this.set(k, v);
  }

  /**
   * `computeIfAbsent`: unlike put it resizes *before* looking the key up (when size > threshold,
   * even if the key is present) and links a new key at the head of its bucket.
   */
  computeIfAbsent(key: K, make: (key: K) => V): V {
    // The size check comes first, so even a call that finds its key can grow the table.
    if (this.table === null || this.count > this.threshold) this.resize();
    const existing = this.index.get(this.type.id(key));
    if (existing !== undefined) return existing.value;
    const value = make(key);
    this.insertAtHead(key, value);
    return value;
  }

  /**
   * `compute`: resizes first like computeIfAbsent; `remap` gets the current value (undefined when
   * absent, Java's null) and returns the new one, or undefined to remove the key (as `remove`
   * does). A new key is linked at the head of its bucket. Returns the new value.
   */
  compute(key: K, remap: (key: K, old: V | undefined) => V | undefined): V | undefined {
    if (this.table === null || this.count > this.threshold) this.resize();
    const existing = this.index.get(this.type.id(key));
    const value = remap(key, existing?.value);
    if (existing !== undefined) {
      if (value !== undefined) existing.value = value;
      else this.delete(key);
    } else if (value !== undefined) {
      this.insertAtHead(key, value);
    }
    return value;
  }

  /** `remove(key)`; `movable` false models removal through an iterator (no tree restructuring of the bucket head). */
  delete(key: K, movable = true): boolean {
    const id = this.type.id(key);
    const node = this.index.get(id);
    if (node === undefined) return false;
    this.index.delete(id);
    const tab = this.table as (JNode<K, V> | null)[];
    const i = (tab.length - 1) & node.hash;
    if (node.tree) {
      this.removeTreeNode(tab, node, movable);
    } else {
      let p = tab[i];
      if (p === node) tab[i] = node.next;
      else {
        while (p !== null && p.next !== node) p = p.next;
        if (p !== null) p.next = node.next;
      }
    }
    this.count--;
    return true;
  }

  /** `clear()`: the table keeps its length. */
  clear(): void {
    if (this.table !== null && this.count > 0) {
      this.count = 0;
      this.table.fill(null);
    }
    this.index.clear();
  }

  *entries(): IterableIterator<[K, V]> {
    const tab = this.table;
    if (tab === null) return;
    for (let i = 0; i < tab.length; i++) {
      for (let e = tab[i]; e !== null; e = e.next) yield [e.key, e.value];
    }
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** Keys in Java iteration order, as an array. */
  keyArray(): K[] {
    const out: K[] = [];
    const tab = this.table;
    if (tab === null) return out;
    for (let i = 0; i < tab.length; i++) {
      for (let e = tab[i]; e !== null; e = e.next) out.push(e.key);
    }
    return out;
  }

  /** Values in Java iteration order, as an array. */
  valueArray(): V[] {
    const out: V[] = [];
    const tab = this.table;
    if (tab === null) return out;
    for (let i = 0; i < tab.length; i++) {
      for (let e = tab[i]; e !== null; e = e.next) out.push(e.value);
    }
    return out;
  }

  /** The first key in iteration order (what `keySet().iterator().next()` returns), or undefined when empty. */
  firstKey(): K | undefined {
    const tab = this.table;
    if (tab === null || this.count === 0) return undefined;
    for (let i = 0; i < tab.length; i++) {
      const e = tab[i];
      if (e !== null) return e.key;
    }
    return undefined;
  }

  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  // ---------------------------------------------------------------- internals

  private newNode(hash: number, key: K, value: V): JNode<K, V> {
    const node = new JNode(hash, key, value, this.seq++);
    this.index.set(this.type.id(key), node);
    return node;
  }

  /** `putVal` for an absent key: append to the bucket, treeify a long bucket, then grow. */
  private insertAtTail(key: K, value: V): void {
    if (this.table === null || this.table.length === 0) this.resize();
    const tab = this.table as (JNode<K, V> | null)[];
    const hash = spreadHash(this.type.hashCode(key));
    const i = (tab.length - 1) & hash;
    const p = tab[i];
    if (p === null) {
      tab[i] = this.newNode(hash, key, value);
    } else if (p.tree) {
      this.putTreeVal(tab, hash, key, value);
    } else {
      let tail = p;
      let binCount = 0;
      while (tail.next !== null) {
        tail = tail.next;
        binCount++;
      }
      tail.next = this.newNode(hash, key, value);
      if (binCount >= TREEIFY_THRESHOLD - 1) this.treeifyBin(tab, hash);
    }
    if (++this.count > this.threshold) this.resize();
  }

  /** The insertion half of `computeIfAbsent`/`compute` for an absent key (the table exists). */
  private insertAtHead(key: K, value: V): void {
    const tab = this.table as (JNode<K, V> | null)[];
    const hash = spreadHash(this.type.hashCode(key));
    const i = (tab.length - 1) & hash;
    const first = tab[i];
    if (first !== null && first.tree) {
      this.putTreeVal(tab, hash, key, value);
    } else {
      let binCount = 0;
      for (let e = first; e !== null; e = e.next) binCount++;
      const node = this.newNode(hash, key, value);
      node.next = first;
      tab[i] = node;
      if (binCount >= TREEIFY_THRESHOLD - 1) this.treeifyBin(tab, hash);
    }
    this.count++;
  }

  private resize(): void {
    const oldTab = this.table;
    const oldCap = oldTab === null ? 0 : oldTab.length;
    const oldThr = this.threshold;
    let newCap: number;
    let newThr = 0;
    if (oldCap > 0) {
      if (oldCap >= MAXIMUM_CAPACITY) {
        this.threshold = 2147483647;
        return;
      }
      newCap = oldCap * 2;
      if (newCap < MAXIMUM_CAPACITY && oldCap >= DEFAULT_CAPACITY) newThr = oldThr * 2;
    } else if (oldThr > 0) {
      newCap = oldThr;
    } else {
      newCap = DEFAULT_CAPACITY;
      newThr = 12;
    }
    if (newThr === 0) {
      const ft = Math.fround(newCap * LOAD_FACTOR);
      newThr = newCap < MAXIMUM_CAPACITY && ft < MAXIMUM_CAPACITY ? javaIntCast(ft) : 2147483647;
    }
    this.threshold = newThr;
    const newTab: (JNode<K, V> | null)[] = new Array<JNode<K, V> | null>(newCap).fill(null);
    this.table = newTab;
    if (oldTab === null) return;
    for (let j = 0; j < oldCap; j++) {
      const e = oldTab[j];
      if (e === null) continue;
      oldTab[j] = null;
      if (e.next === null) {
        newTab[e.hash & (newCap - 1)] = e;
      } else if (e.tree) {
        this.splitTree(newTab, e, j, oldCap);
      } else {
        let loHead: JNode<K, V> | null = null;
        let loTail: JNode<K, V> | null = null;
        let hiHead: JNode<K, V> | null = null;
        let hiTail: JNode<K, V> | null = null;
        for (let x: JNode<K, V> | null = e; x !== null;) {
          const next: JNode<K, V> | null = x.next;
          if ((x.hash & oldCap) === 0) {
            if (loTail === null) loHead = x;
            else loTail.next = x;
            loTail = x;
          } else {
            if (hiTail === null) hiHead = x;
            else hiTail.next = x;
            hiTail = x;
          }
          x = next;
        }
        if (loTail !== null) {
          loTail.next = null;
          newTab[j] = loHead;
        }
        if (hiTail !== null) {
          hiTail.next = null;
          newTab[j + oldCap] = hiHead;
        }
      }
    }
  }

  private treeifyBin(tab: (JNode<K, V> | null)[], hash: number): void {
    if (tab.length < MIN_TREEIFY_CAPACITY) {
      this.resize();
      return;
    }
    const i = (tab.length - 1) & hash;
    const head = tab[i];
    if (head === null) return;
    let prev: JNode<K, V> | null = null;
    for (let e: JNode<K, V> | null = head; e !== null; e = e.next) {
      e.tree = true;
      e.prev = prev;
      prev = e;
    }
    this.treeify(tab, head);
  }

  // --------------------------------------------------------------- tree bins

  private direction(h: number, k: K, p: JNode<K, V>): number {
    if (p.hash > h) return -1;
    if (p.hash < h) return 1;
    const cmp = this.type.compare;
    const dir = cmp === null ? 0 : cmp(k, p.key);
    return dir !== 0 ? dir : this.tieBreak(k, p);
  }

  private tieBreak(_k: K, p: JNode<K, V>): number {
    // Java: System.identityHashCode(a) <= System.identityHashCode(b) ? -1 : 1.
    this.identityTieBreak = true;
    return this.seq <= p.seq ? -1 : 1;
  }

  /** Builds the red-black tree over the bucket list starting at `head`, then moves the root first. */
  private treeify(tab: (JNode<K, V> | null)[], head: JNode<K, V>): void {
    this.treeified = true;
    let root: JNode<K, V> | null = null;
    for (let x: JNode<K, V> | null = head; x !== null;) {
      const next: JNode<K, V> | null = x.next;
      x.left = x.right = null;
      if (root === null) {
        x.parent = null;
        x.red = false;
        root = x;
      } else {
        for (let p: JNode<K, V> = root; ;) {
          const dir =
            p.hash > x.hash
              ? -1
              : p.hash < x.hash
                ? 1
                : (this.type.compare?.(x.key, p.key) ?? 0) || this.tieBreakNodes(x, p);
          const child: JNode<K, V> | null = dir <= 0 ? p.left : p.right;
          if (child === null) {
            x.parent = p;
            if (dir <= 0) p.left = x;
            else p.right = x;
            root = balanceInsertion(root, x);
            break;
          }
          p = child;
        }
      }
      x = next;
    }
    if (root !== null) moveRootToFront(tab, root);
  }

  private tieBreakNodes(a: JNode<K, V>, b: JNode<K, V>): number {
    this.identityTieBreak = true;
    return a.seq <= b.seq ? -1 : 1;
  }

  private putTreeVal(tab: (JNode<K, V> | null)[], hash: number, key: K, value: V): void {
    const i = (tab.length - 1) & hash;
    let root = tab[i] as JNode<K, V>;
    while (root.parent !== null) root = root.parent;
    for (let p: JNode<K, V> = root; ;) {
      const dir = this.direction(hash, key, p);
      const child: JNode<K, V> | null = dir <= 0 ? p.left : p.right;
      if (child === null) {
        const xpn = p.next;
        const x = this.newNode(hash, key, value);
        x.tree = true;
        x.next = xpn;
        if (dir <= 0) p.left = x;
        else p.right = x;
        p.next = x;
        x.parent = x.prev = p;
        if (xpn !== null) xpn.prev = x;
        moveRootToFront(tab, balanceInsertion(root, x));
        return;
      }
      p = child;
    }
  }

  /** Resize of a tree bin: lo/hi lists in bucket order; short lists become plain, long ones re-treeify. */
  private splitTree(tab: (JNode<K, V> | null)[], head: JNode<K, V>, index: number, bit: number): void {
    let loHead: JNode<K, V> | null = null;
    let loTail: JNode<K, V> | null = null;
    let hiHead: JNode<K, V> | null = null;
    let hiTail: JNode<K, V> | null = null;
    let lc = 0;
    let hc = 0;
    for (let e: JNode<K, V> | null = head; e !== null;) {
      const next: JNode<K, V> | null = e.next;
      e.next = null;
      if ((e.hash & bit) === 0) {
        e.prev = loTail;
        if (loTail === null) loHead = e;
        else loTail.next = e;
        loTail = e;
        lc++;
      } else {
        e.prev = hiTail;
        if (hiTail === null) hiHead = e;
        else hiTail.next = e;
        hiTail = e;
        hc++;
      }
      e = next;
    }
    if (loHead !== null) {
      if (lc <= UNTREEIFY_THRESHOLD) tab[index] = untreeify(loHead);
      else {
        tab[index] = loHead;
        if (hiHead !== null) this.treeify(tab, loHead);
      }
    }
    if (hiHead !== null) {
      if (hc <= UNTREEIFY_THRESHOLD) tab[index + bit] = untreeify(hiHead);
      else {
        tab[index + bit] = hiHead;
        if (loHead !== null) this.treeify(tab, hiHead);
      }
    }
  }

  private removeTreeNode(tab: (JNode<K, V> | null)[], node: JNode<K, V>, movable: boolean): void {
    const index = (tab.length - 1) & node.hash;
    let first = tab[index];
    let root = first;
    const succ = node.next;
    const pred = node.prev;
    if (pred === null) tab[index] = first = succ;
    else pred.next = succ;
    if (succ !== null) succ.prev = pred;
    if (first === null) return;
    if (root !== null) while (root.parent !== null) root = root.parent;
    if (
      root === null ||
      (movable && (root.right === null || root.left === null || root.left.left === null))
    ) {
      tab[index] = untreeify(first);
      return;
    }
    const p = node;
    const pl = p.left;
    const pr = p.right;
    let replacement: JNode<K, V>;
    if (pl !== null && pr !== null) {
      let s = pr;
      while (s.left !== null) s = s.left;
      const c = s.red;
      s.red = p.red;
      p.red = c;
      const sr = s.right;
      const pp = p.parent;
      if (s === pr) {
        p.parent = s;
        s.right = p;
      } else {
        const sp = s.parent;
        p.parent = sp;
        if (sp !== null) {
          if (s === sp.left) sp.left = p;
          else sp.right = p;
        }
        s.right = pr;
        pr.parent = s;
      }
      p.left = null;
      p.right = sr;
      if (sr !== null) sr.parent = p;
      s.left = pl;
      pl.parent = s;
      s.parent = pp;
      if (pp === null) root = s;
      else if (p === pp.left) pp.left = s;
      else pp.right = s;
      replacement = sr !== null ? sr : p;
    } else if (pl !== null) replacement = pl;
    else if (pr !== null) replacement = pr;
    else replacement = p;
    if (replacement !== p) {
      const pp = (replacement.parent = p.parent);
      if (pp === null) {
        root = replacement;
        replacement.red = false;
      } else if (p === pp.left) pp.left = replacement;
      else pp.right = replacement;
      p.left = p.right = p.parent = null;
    }
    const r = p.red ? root : balanceDeletion(root, replacement);
    if (replacement === p) {
      const pp = p.parent;
      p.parent = null;
      if (pp !== null) {
        if (p === pp.left) pp.left = null;
        else if (p === pp.right) pp.right = null;
      }
    }
    if (movable && r !== null) moveRootToFront(tab, r);
  }
}

function untreeify<K, V>(head: JNode<K, V>): JNode<K, V> {
  for (let e: JNode<K, V> | null = head; e !== null; e = e.next) {
    e.tree = false;
    e.prev = e.parent = e.left = e.right = null;
    e.red = false;
  }
  return head;
}

function moveRootToFront<K, V>(tab: (JNode<K, V> | null)[], root: JNode<K, V>): void {
  const index = (tab.length - 1) & root.hash;
  const first = tab[index];
  if (root === first || first === null) return;
  const rn = root.next;
  const rp = root.prev;
  if (rn !== null) rn.prev = rp;
  if (rp !== null) rp.next = rn;
  first.prev = root;
  root.next = first;
  root.prev = null;
  tab[index] = root;
}

function rotateLeft<K, V>(root: JNode<K, V>, p: JNode<K, V>): JNode<K, V> {
  const r = p.right;
  if (r === null) return root;
  const rl = (p.right = r.left);
  if (rl !== null) rl.parent = p;
  const pp = (r.parent = p.parent);
  if (pp === null) {
    root = r;
    r.red = false;
  } else if (pp.left === p) pp.left = r;
  else pp.right = r;
  r.left = p;
  p.parent = r;
  return root;
}

function rotateRight<K, V>(root: JNode<K, V>, p: JNode<K, V>): JNode<K, V> {
  const l = p.left;
  if (l === null) return root;
  const lr = (p.left = l.right);
  if (lr !== null) lr.parent = p;
  const pp = (l.parent = p.parent);
  if (pp === null) {
    root = l;
    l.red = false;
  } else if (pp.right === p) pp.right = l;
  else pp.left = l;
  l.right = p;
  p.parent = l;
  return root;
}

function balanceInsertion<K, V>(root: JNode<K, V>, x: JNode<K, V>): JNode<K, V> {
  x.red = true;
  for (;;) {
    let xp = x.parent;
    if (xp === null) {
      x.red = false;
      return x;
    }
    let xpp = xp.parent;
    if (!xp.red || xpp === null) return root;
    const xppl = xpp.left;
    if (xp === xppl) {
      const xppr = xpp.right;
      if (xppr !== null && xppr.red) {
        xppr.red = false;
        xp.red = false;
        xpp.red = true;
        x = xpp;
      } else {
        if (x === xp.right) {
          x = xp;
          root = rotateLeft(root, x);
          xp = x.parent;
          xpp = xp === null ? null : xp.parent;
        }
        if (xp !== null) {
          xp.red = false;
          if (xpp !== null) {
            xpp.red = true;
            root = rotateRight(root, xpp);
          }
        }
      }
    } else {
      if (xppl !== null && xppl.red) {
        xppl.red = false;
        xp.red = false;
        xpp.red = true;
        x = xpp;
      } else {
        if (x === xp.left) {
          x = xp;
          root = rotateRight(root, x);
          xp = x.parent;
          xpp = xp === null ? null : xp.parent;
        }
        if (xp !== null) {
          xp.red = false;
          if (xpp !== null) {
            xpp.red = true;
            root = rotateLeft(root, xpp);
          }
        }
      }
    }
  }
}

function balanceDeletion<K, V>(root: JNode<K, V> | null, x: JNode<K, V> | null): JNode<K, V> | null {
  for (;;) {
    if (x === null || x === root) return root;
    let xp = x.parent;
    if (xp === null) {
      x.red = false;
      return x;
    }
    if (x.red) {
      x.red = false;
      return root;
    }
    const xpl = xp.left;
    if (xpl === x) {
      let xpr = xp.right;
      if (xpr !== null && xpr.red) {
        xpr.red = false;
        xp.red = true;
        root = rotateLeft(root as JNode<K, V>, xp);
        xp = x.parent;
        xpr = xp === null ? null : xp.right;
      }
      if (xpr === null) x = xp;
      else {
        const sl = xpr.left;
        let sr = xpr.right;
        if ((sr === null || !sr.red) && (sl === null || !sl.red)) {
          xpr.red = true;
          x = xp;
        } else {
          if (sr === null || !sr.red) {
            if (sl !== null) sl.red = false;
            xpr.red = true;
            root = rotateRight(root as JNode<K, V>, xpr);
            xp = x.parent;
            xpr = xp === null ? null : xp.right;
          }
          if (xpr !== null) {
            xpr.red = xp === null ? false : xp.red;
            sr = xpr.right;
            if (sr !== null) sr.red = false;
          }
          if (xp !== null) {
            xp.red = false;
            root = rotateLeft(root as JNode<K, V>, xp);
          }
          x = root;
        }
      }
    } else {
      let xl = xpl;
      if (xl !== null && xl.red) {
        xl.red = false;
        xp.red = true;
        root = rotateRight(root as JNode<K, V>, xp);
        xp = x.parent;
        xl = xp === null ? null : xp.left;
      }
      if (xl === null) x = xp;
      else {
        let sl = xl.left;
        const sr = xl.right;
        if ((sl === null || !sl.red) && (sr === null || !sr.red)) {
          xl.red = true;
          x = xp;
        } else {
          if (sl === null || !sl.red) {
            if (sr !== null) sr.red = false;
            xl.red = true;
            root = rotateLeft(root as JNode<K, V>, xl);
            xp = x.parent;
            xl = xp === null ? null : xp.left;
          }
          if (xl !== null) {
            xl.red = xp === null ? false : xp.red;
            sl = xl.left;
            if (sl !== null) sl.red = false;
          }
          if (xp !== null) {
            xp.red = false;
            root = rotateRight(root as JNode<K, V>, xp);
          }
          x = root;
        }
      }
    }
  }
}

/** `java.util.HashSet`, a HashMap with dummy values. */
export class JavaHashSet<K> implements Iterable<K> {
  readonly map: JavaHashMap<K, true>;

  /** `new HashSet<>()` or `new HashSet<>(initialCapacity)`. */
  constructor(type: JavaKeyType<K>, initialCapacity?: number) {
    this.map = new JavaHashMap<K, true>(type, initialCapacity);
  }

  /** `new HashSet<>(collection)`: capacity max((int)(n/.75f)+1, 16), then add in collection order. */
  static copyOf<K>(type: JavaKeyType<K>, items: Iterable<K>, size: number): JavaHashSet<K> {
    const s = new JavaHashSet<K>(type, hashSetCopyCapacity(size));
    for (const k of items) s.add(k);
    return s;
  }

  get size(): number {
    return this.map.size;
  }

  add(k: K): boolean {
    return this.map.set(k, true) === undefined;
  }

  has(k: K): boolean {
    return this.map.has(k);
  }

  delete(k: K, movable = true): boolean {
    return this.map.delete(k, movable);
  }

  clear(): void {
    this.map.clear();
  }

  [Symbol.iterator](): IterableIterator<K> {
    return this.map.keys();
  }

  toArray(): K[] {
    return this.map.keyArray();
  }
}
