// One popover at a time: every open popover registers here; opening one
// closes the others (except its own ancestors and descendants, so a panel
// inside the header's overflow menu keeps the menu open). Escape closes the
// newest, a press outside closes every popover it is outside of.

export interface OpenPopover {
  /** The element holding the popover's button and panel. */
  root: HTMLElement;
  /** Closes it; returnFocus puts the focus back on its button. */
  close(returnFocus: boolean): void;
  /** A side panel beside the live view: a press outside it (on the columns) does not close it. */
  modeless?: boolean;
}

const open: OpenPopover[] = [];
let listening = false;

function related(a: OpenPopover, b: OpenPopover): boolean {
  return a.root.contains(b.root) || b.root.contains(a.root);
}

function onKey(e: KeyboardEvent) {
  if (e.key !== 'Escape' || open.length === 0) return;
  e.preventDefault();
  e.stopPropagation();
  open[open.length - 1].close(true);
}

function onPointer(e: Event) {
  const target = e.target as Node | null;
  for (const p of [...open].reverse()) if (!p.modeless && (!target || !p.root.contains(target))) p.close(false);
}

function listen(on: boolean) {
  if (on === listening) return;
  listening = on;
  const method = on ? 'addEventListener' : 'removeEventListener';
  document[method]('keydown', onKey as EventListener, true);
  document[method]('pointerdown', onPointer, true);
}

/** Registers an opened popover; returns the function to call when it closes. */
export function opened(p: OpenPopover): () => void {
  for (const other of [...open]) if (!related(other, p)) other.close(false);
  open.push(p);
  listen(true);
  return () => {
    const i = open.indexOf(p);
    if (i >= 0) open.splice(i, 1);
    if (open.length === 0) listen(false);
  };
}

/** How many popovers are open (for tests). */
export function openCount(): number {
  return open.length;
}
