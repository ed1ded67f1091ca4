// Mocha reporter: the usual spec output, plus a JSON summary written to $KGD_SUMMARY_FILE so
// scripts/test.mjs can add up every suite into one "N passed, N failed" line.
'use strict';
const Mocha = require('mocha');
const { writeFileSync } = require('node:fs');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.KGD_SUMMARY_FILE;
      if (!file) return;
      const s = runner.stats ?? {};
      writeFileSync(
        file,
        JSON.stringify({ passes: s.passes ?? 0, failures: s.failures ?? 0, pending: s.pending ?? 0 }),
      );
    });
  }
}
module.exports = SummaryReporter;
