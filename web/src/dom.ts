// Tiny DOM helpers: elements by id, shown or hidden, text only (never innerHTML).
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

export function show(id: string, visible = true): void {
  $(id).hidden = !visible;
}

export function el(tag: string, text = "", attributes: Record<string, string> = {}): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}
