// Windowing for long lists: only the rows in view (plus a margin) are in the DOM. Rows have a
// fixed height, so a row's position is its index times the height and nothing shifts.

export interface Range {
  start: number; // first row rendered
  end: number; // one past the last
}

export function visibleRange(scrollTop: number, viewport: number, rowHeight: number,
  count: number, overscan = 6): Range {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(viewport / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + inView + overscan) };
}

/** The scrollTop that brings row `index` into view (unchanged if it already is). */
export function scrollToRow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}
