/** Who may do what: the table is in docs/contacts.md. */
export const WRITERS = ['admin', 'sales', 'marketing', 'support'] as const;
export const READERS = [...WRITERS, 'analyst'] as const;
