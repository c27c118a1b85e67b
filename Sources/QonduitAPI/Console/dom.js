// Building the page's elements and their text. Everything from the controller goes in as text,
// never as markup: names and error texts are data.

import { APIError } from './api.js';

export const $ = (id) => document.getElementById(id);

export function el(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'onclick') node.addEventListener('click', value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ''));
  return node;
}

export function number(value, digits = 0) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString('en', { maximumFractionDigits: digits });
}

/// An API error as the operator reads it: its detail, then each problem with its line or field.
export function problemText(error) {
  if (!(error instanceof APIError)) return String(error && error.message ? error.message : error);
  const lines = [error.message];
  for (const item of (error.problem && error.problem.errors) || []) {
    lines.push(`${item.line ? `line ${item.line}: ` : item.pointer ? `${item.pointer}: ` : ''}${item.message}`);
  }
  return lines.join('\n');
}
