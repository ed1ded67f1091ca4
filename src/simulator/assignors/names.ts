/** Assignor names, apart from the implementations so views can list them without loading them. */
export const SERVER_ASSIGNOR_NAMES = ['uniform', 'range'] as const;
export type ServerAssignorName = (typeof SERVER_ASSIGNOR_NAMES)[number];

export const CLIENT_ASSIGNOR_NAMES = ['range', 'roundrobin', 'sticky', 'cooperative-sticky'] as const;
export type ClientAssignorName = (typeof CLIENT_ASSIGNOR_NAMES)[number];
