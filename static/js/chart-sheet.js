// The drawing surface of the results charts: an SVG laid out in CSS pixels, whose text is
// measured before it is drawn so that long answers wrap, a word too long for a phone is cut,
// and right-to-left text sits on the side it is read from. On a right-to-left page the whole
// drawing is mirrored: x is always counted from the side where reading starts.
const SVG_NS = "http://www.w3.org/2000/svg";
const ELLIPSIS = "…";
// The first letter decides, as dir="auto" does in HTML.
const LETTER = /\p{L}/u;
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

export function svg(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  if (text !== null) node.textContent = text;
  return node;
}

export function textDirection(text) {
  const letter = LETTER.exec(text);
  return letter && RTL_SCRIPT.test(letter[0]) ? "rtl" : "ltr";
}

function graphemes(text) {
  if (typeof Intl.Segmenter !== "function") return Array.from(text);
  return Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text), (s) => s.segment);
}

// Widths from a canvas with the page's own font, the one the SVG is drawn in.
export class TextMeasure {
  constructor(family) {
    this.family = family;
    this.context = document.createElement("canvas").getContext("2d");
  }

  font(size, weight) {
    this.context.font = `${weight} ${size}px ${this.family}`;
  }

  width(text, size, weight = 400) {
    this.font(size, weight);
    return this.context.measureText(text).width;
  }

  // The font's ascent and descent: the box SVG gives a line of text (getBBox).
  extent(size, weight = 400) {
    this.font(size, weight);
    const metrics = this.context.measureText("Hg");
    const ascent = metrics.fontBoundingBoxAscent ?? size * 0.9;
    const descent = metrics.fontBoundingBoxDescent ?? size * 0.25;
    return { ascent, descent, height: ascent + descent };
  }

  // Lines no wider than maxWidth, broken at spaces, a word longer than a line cut where it must
  // be; past maxLines the last line ends in an ellipsis.
  wrap(text, maxWidth, size, weight, maxLines) {
    const fits = (line) => this.width(line, size, weight) <= maxWidth;
    const lines = [];
    let current = "";
    for (let word of text.split(/\s+/).filter(Boolean)) {
      if (lines.length > maxLines) break;
      const joined = current ? `${current} ${word}` : word;
      if (fits(joined)) {
        current = joined;
        continue;
      }
      if (current) lines.push(current);
      while (!fits(word) && lines.length <= maxLines) {
        const pieces = graphemes(word);
        if (pieces.length < 2) break;
        const cut = longestFit(pieces, fits);
        lines.push(pieces.slice(0, cut).join(""));
        word = pieces.slice(cut).join("");
      }
      current = word;
    }
    lines.push(current);
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    let last = graphemes(kept[maxLines - 1]);
    while (last.length && !fits(`${last.join("").trimEnd()}${ELLIPSIS}`)) last = last.slice(0, -1);
    kept[maxLines - 1] = `${last.join("").trimEnd()}${ELLIPSIS}`;
    return kept;
  }
}

// How many of the pieces fit on one line: at least one, so that every cut makes progress.
function longestFit(pieces, fits) {
  let low = 1;
  let high = pieces.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(pieces.slice(0, middle).join(""))) low = middle;
    else high = middle - 1;
  }
  return low;
}

export class Sheet {
  constructor({ width, rtl, family }) {
    this.width = width;
    this.rtl = rtl;
    this.family = family;
    this.measure = new TextMeasure(family);
    this.nodes = [];
  }

  add(node) {
    this.nodes.push(node);
    return node;
  }

  // From the reading start to the physical left edge.
  x(logical) {
    return this.rtl ? this.width - logical : logical;
  }

  rect(x, y, width, height, cls) {
    const left = this.rtl ? this.width - x - width : x;
    return this.add(svg("rect", { x: left, y, width, height, class: cls }));
  }

  line(x1, y1, x2, y2, cls) {
    return this.add(svg("line", { x1: this.x(x1), y1, x2: this.x(x2), y2, class: cls }));
  }

  circle(x, y, r, cls) {
    return this.add(svg("circle", { cx: this.x(x), cy: y, r, class: cls }));
  }

  // One line of text whose reading start ("start"), end ("end") or middle is at x.
  text(text, { x, baseline, align = "start", size, weight = 400, cls }) {
    const direction = textDirection(text);
    let anchor = "middle";
    if (align !== "middle") {
      // Where the text runs from x: towards the end of the page's reading, or back from it.
      const runsToPageEnd = align === "start";
      const runsRight = runsToPageEnd !== this.rtl;
      anchor = runsRight === (direction === "ltr") ? "start" : "end";
    }
    return this.add(
      svg(
        "text",
        {
          x: this.x(x),
          y: baseline,
          "text-anchor": anchor,
          direction,
          "unicode-bidi": "embed",
          "font-size": size,
          "font-weight": weight,
          class: cls,
        },
        text,
      ),
    );
  }

  // Wrapped text from x, one line under the other; returns where the next thing may start.
  paragraph(text, { x = 0, top, width, size, weight = 400, maxLines, lineHeight, cls }) {
    const { ascent, height } = this.measure.extent(size, weight);
    const lines = this.measure.wrap(text, width, size, weight, maxLines);
    lines.forEach((line, index) => {
      const baseline = top + index * lineHeight + (lineHeight - height) / 2 + ascent;
      this.text(line, { x, baseline, size, weight, cls });
    });
    return top + lines.length * lineHeight;
  }

  // The baseline that centres one line of text on y.
  centredBaseline(y, size, weight = 400) {
    const { ascent, descent } = this.measure.extent(size, weight);
    return y + (ascent - descent) / 2;
  }

  toSvg(height, { top = 0 } = {}) {
    const drawing = svg("svg", {
      class: "chart-drawing",
      viewBox: `0 ${top} ${this.width} ${height}`,
      width: this.width,
      height,
      "aria-hidden": "true",
      focusable: "false",
    });
    drawing.style.fontFamily = this.family;
    drawing.append(...this.nodes);
    return drawing;
  }
}
