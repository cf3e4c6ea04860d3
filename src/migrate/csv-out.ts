// One CSV cell for the followers import: quoted when it holds a comma, a quote or a line break.
export const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
