/** The last non-empty lines of a container log, indented, without compose's `service-1  | ` prefix. */
export const lastLines = (text: string, count: number): string =>
  text
    .split('\n')
    .filter((line) => line.trim())
    .slice(-count)
    .map((line) => `    ${line.replace(/^\S+\s+\|\s?/, '')}`)
    .join('\n');
