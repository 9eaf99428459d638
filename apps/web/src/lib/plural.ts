/** "1 workout", "1,500 sets", "3 entries" (with `many`): a count in this browser's digits and its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
