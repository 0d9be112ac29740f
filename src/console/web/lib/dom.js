// Building DOM without HTML strings. Every string a caller passes becomes a text node or an
// attribute value, never markup: a topic, key, header or value holding `<script>` shows as
// those characters. There is deliberately no way to set innerHTML through here.
//
//   h('a', {href: '#/topics/' + encodeURIComponent(name), class: 'mono'}, name)
//   h('button', {type: 'button', onclick: () => reload()}, 'Reload')
//   h('ul', null, items.map((i) => h('li', null, i.name)))

// Properties set as DOM properties (their state), not attributes.
const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'indeterminate',
  'readOnly', 'required', 'multiple']);

// A URL that would run script when followed (javascript:, vbscript:, data:text/html).
function unsafeUrl(v) {
  const s = String(v).replace(/[\u0000-\u0020]/g, '').toLowerCase();
  return s.startsWith('javascript:') || s.startsWith('vbscript:') || s.startsWith('data:text/html');
}

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'innerHTML' || k === 'outerHTML') {
        throw new Error('h(): ' + k + ' is not allowed; pass children (text) instead');
      }
      if (k === 'class' || k === 'className') {
        el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
      } else if (k === 'style' && typeof v === 'object') {
        Object.assign(el.style, v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k.startsWith('on')) {
        // Only functions: a string handler would be code from data.
        if (typeof v !== 'function') throw new Error('h(): ' + k + ' must be a function');
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (PROPS.has(k)) {
        el[k] = v;
      } else if ((k === 'href' || k === 'src' || k === 'action' || k === 'formaction') &&
                 unsafeUrl(v)) {
        continue;
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

// Appends children: Nodes as they are, strings and numbers as text, arrays flattened;
// null, undefined and false are skipped.
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

// Removes every child of `el`.
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Replaces the children of `el` with `children` (same rules as h()).
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}
