// Atlassian Document Format (ADF) conversion for Jira Cloud bodies (descriptions, comments).
// Converts plain text and a practical CommonMark subset to ADF, and ADF back to text or markdown.
// Dependency-free on purpose: it runs inside n8n, where community nodes may not bring libraries.

export interface AdfMark {
	type: string;
	attrs?: Record<string, unknown>;
}

export interface AdfNode {
	type: string;
	text?: string;
	attrs?: Record<string, unknown>;
	marks?: AdfMark[];
	content?: AdfNode[];
}

export interface AdfDocument {
	type: 'doc';
	version: 1;
	content: AdfNode[];
}

export type BodyFormat = 'text' | 'markdown' | 'adf';

const EXPECTED_SHAPE = '{"type":"doc","version":1,"content":[...]}';

// ---------------------------------------------------------------------------------------------
// Node builders
// ---------------------------------------------------------------------------------------------

function adfDocument(content: AdfNode[] = []): AdfDocument {
	return { type: 'doc', version: 1, content };
}

function paragraph(content: AdfNode[]): AdfNode {
	return { type: 'paragraph', content };
}

function textNode(text: string, marks: AdfMark[] = []): AdfNode {
	return marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
}

function hardBreak(): AdfNode {
	return { type: 'hardBreak' };
}

function normaliseNewlines(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

function isBlank(line: string): boolean {
	return line.trim() === '';
}

// ---------------------------------------------------------------------------------------------
// Plain text -> ADF
// ---------------------------------------------------------------------------------------------

export function textToAdf(text: string): AdfDocument {
	const blocks = normaliseNewlines(text).split(/\n(?:[ \t]*\n)+/);
	return adfDocument(blocks.filter((block) => !isBlank(block)).map(plainParagraph));
}

function plainParagraph(block: string): AdfNode {
	const lines = block.split('\n');
	// A leading or trailing whitespace-only line is not a paragraph separator but is still noise.
	while (isBlank(lines[0])) lines.shift();
	while (isBlank(lines[lines.length - 1])) lines.pop();
	const content: AdfNode[] = [];
	lines.forEach((line, index) => {
		if (index > 0) content.push(hardBreak());
		if (line !== '') content.push(textNode(line));
	});
	return paragraph(content);
}

// ---------------------------------------------------------------------------------------------
// Markdown -> ADF: block structure
// ---------------------------------------------------------------------------------------------

export function markdownToAdf(md: string): AdfDocument {
	return adfDocument(parseBlocks(normaliseNewlines(md).split('\n')));
}

interface BlockResult {
	nodes: AdfNode[];
	next: number;
}

type BlockReader = (lines: string[], start: number) => BlockResult | undefined;

const FENCE_OPEN_RE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE_RE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const HEADING_RE = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const RULE_RE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE_RE = /^ {0,3}> ?(.*)$/;
const LIST_MARKER_RE = /^([ \t]*)([-*+]|(\d{1,9})([.)]))(?:[ \t]+(.*))?$/;
const TABLE_DELIMITER_RE = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

// listItem and blockquote accept only these children in ADF; other blocks are flattened into them.
const NESTABLE_BLOCKS = new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']);

function parseBlocks(lines: string[]): AdfNode[] {
	const blocks: AdfNode[] = [];
	let index = 0;
	while (index < lines.length) {
		if (isBlank(lines[index])) {
			index++;
			continue;
		}
		const result = readBlock(lines, index) ?? readParagraph(lines, index);
		blocks.push(...result.nodes);
		index = result.next;
	}
	return blocks;
}

function readBlock(lines: string[], start: number): BlockResult | undefined {
	const readers: BlockReader[] = [readFence, readHeading, readRule, readBlockquote, readList, readTable];
	for (const reader of readers) {
		const result = reader(lines, start);
		if (result) return result;
	}
	return undefined;
}

/** Cheap test used to end paragraphs and lazy list continuations. */
function startsBlock(lines: string[], index: number): boolean {
	const line = lines[index];
	return (
		isFenceOpen(line) ||
		HEADING_RE.test(line) ||
		RULE_RE.test(line) ||
		QUOTE_RE.test(line) ||
		LIST_MARKER_RE.test(line) ||
		isTableStart(lines, index)
	);
}

function readParagraph(lines: string[], start: number): BlockResult {
	let end = start + 1;
	while (end < lines.length && !isBlank(lines[end]) && !startsBlock(lines, end)) end++;
	const source = lines
		.slice(start, end)
		.map((line) => line.trim())
		.join('\n');
	return { nodes: [paragraph(trimBreaks(parseInline(source)))], next: end };
}

/** Breaks at either end of a paragraph only add invisible empty lines. */
function trimBreaks(nodes: AdfNode[]): AdfNode[] {
	let start = 0;
	let end = nodes.length;
	while (start < end && nodes[start].type === 'hardBreak') start++;
	while (end > start && nodes[end - 1].type === 'hardBreak') end--;
	return nodes.slice(start, end);
}

function readFence(lines: string[], start: number): BlockResult | undefined {
	const open = FENCE_OPEN_RE.exec(lines[start]);
	if (!open || !isFenceOpen(lines[start])) return undefined;
	const [, indent, fence, info] = open;
	const body: string[] = [];
	let index = start + 1;
	while (index < lines.length && !closesFence(lines[index], fence)) {
		body.push(stripColumns(lines[index], indent.length));
		index++;
	}
	// An unterminated fence runs to the end of its container, as in CommonMark.
	const language = info.trim().split(/\s+/)[0];
	return { nodes: [codeBlock(body.join('\n'), language)], next: Math.min(index + 1, lines.length) };
}

/** A backtick fence cannot have backticks in its info string (that is inline code instead). */
function isFenceOpen(line: string): boolean {
	const open = FENCE_OPEN_RE.exec(line);
	return open !== null && !(open[2].startsWith('`') && open[3].includes('`'));
}

function closesFence(line: string, fence: string): boolean {
	const close = FENCE_CLOSE_RE.exec(line);
	return close !== null && close[1][0] === fence[0] && close[1].length >= fence.length;
}

function codeBlock(code: string, language: string): AdfNode {
	const node: AdfNode = { type: 'codeBlock' };
	if (language) node.attrs = { language };
	node.content = code === '' ? [] : [textNode(code)];
	return node;
}

function readHeading(lines: string[], start: number): BlockResult | undefined {
	const match = HEADING_RE.exec(lines[start]);
	if (!match) return undefined;
	// An optional closing run of '#' is decoration, not content.
	const text = (match[2] ?? '').replace(/(?:^|[ \t]+)#+$/, '').trim();
	const heading: AdfNode = { type: 'heading', attrs: { level: match[1].length }, content: parseInline(text) };
	return { nodes: [heading], next: start + 1 };
}

function readRule(lines: string[], start: number): BlockResult | undefined {
	return RULE_RE.test(lines[start]) ? { nodes: [{ type: 'rule' }], next: start + 1 } : undefined;
}

function readBlockquote(lines: string[], start: number): BlockResult | undefined {
	const inner: string[] = [];
	let index = start;
	for (let match = QUOTE_RE.exec(lines[index]); match; match = QUOTE_RE.exec(lines[index] ?? '')) {
		inner.push(match[1]);
		index++;
	}
	if (inner.length === 0) return undefined;
	const content = fitInto(parseBlocks(inner));
	// ADF forbids an empty blockquote; a bare '>' says nothing worth keeping.
	return { nodes: content.length > 0 ? [{ type: 'blockquote', content }] : [], next: index };
}

/** Flattens blocks that ADF does not allow inside list items and quotes. */
function fitInto(blocks: AdfNode[]): AdfNode[] {
	return blocks.flatMap((block): AdfNode[] => {
		if (NESTABLE_BLOCKS.has(block.type)) return [block];
		if (block.type === 'heading') return block.content?.length ? [paragraph(block.content)] : [];
		if (block.type === 'rule') return [];
		if (block.type === 'table') return tableAsParagraphs(block);
		return fitInto(block.content ?? []);
	});
}

function tableAsParagraphs(table: AdfNode): AdfNode[] {
	return (table.content ?? []).map((row) => {
		const content: AdfNode[] = [];
		(row.content ?? []).forEach((cell, index) => {
			if (index > 0) content.push(textNode(' | '));
			content.push(...(cell.content ?? []).flatMap((block) => block.content ?? []));
		});
		return paragraph(content);
	});
}

// --- lists ---

interface ListMarker {
	indent: number;
	ordered: boolean;
	delimiter: string;
	start: number;
	contentIndent: number;
	rest: string;
}

function matchListMarker(line: string): ListMarker | undefined {
	const match = LIST_MARKER_RE.exec(line);
	if (!match) return undefined;
	const indent = indentWidth(match[1]);
	return {
		indent,
		ordered: match[3] !== undefined,
		delimiter: match[4] ?? match[2],
		start: match[3] !== undefined ? Number(match[3]) : 1,
		contentIndent: indent + match[2].length + 1,
		rest: match[5] ?? '',
	};
}

/** Width of leading whitespace, tabs advancing to the next multiple of four. */
function indentWidth(line: string): number {
	let column = 0;
	for (const char of line) {
		if (char === ' ') column++;
		else if (char === '\t') column += 4 - (column % 4);
		else break;
	}
	return column;
}

function stripColumns(line: string, columns: number): string {
	let column = 0;
	let index = 0;
	while (index < line.length && column < columns) {
		const char = line[index];
		if (char === ' ') {
			column++;
		} else if (char === '\t') {
			const next = column + 4 - (column % 4);
			// A tab wider than what is left to strip leaves its remainder as spaces.
			if (next > columns) return ' '.repeat(next - columns) + line.slice(index + 1);
			column = next;
		} else {
			break;
		}
		index++;
	}
	return line.slice(index);
}

function nextNonBlank(lines: string[], from: number): number {
	let index = from;
	while (index < lines.length && isBlank(lines[index])) index++;
	return index;
}

/** A different bullet character or ordered delimiter starts a new list, as in CommonMark. */
function isSibling(marker: ListMarker, first: ListMarker): boolean {
	return (
		marker.ordered === first.ordered &&
		marker.delimiter === first.delimiter &&
		marker.indent < first.indent + 2
	);
}

function readList(lines: string[], start: number): BlockResult | undefined {
	const first = matchListMarker(lines[start]);
	if (!first) return undefined;
	const items: AdfNode[] = [];
	let index = start;
	while (index < lines.length) {
		const marker = matchListMarker(lines[index]);
		if (!marker || !isSibling(marker, first)) break;
		const item = readListItem(lines, index, marker);
		items.push(item.node);
		index = item.next;
		// Blank lines between items keep the list going only when a sibling item follows.
		const after = nextNonBlank(lines, index);
		const following = after < lines.length ? matchListMarker(lines[after]) : undefined;
		if (after > index && !(following && isSibling(following, first))) break;
		index = after;
	}
	return { nodes: [listNode(first, items)], next: index };
}

function listNode(first: ListMarker, items: AdfNode[]): AdfNode {
	if (!first.ordered) return { type: 'bulletList', content: items };
	const list: AdfNode = { type: 'orderedList', content: items };
	if (first.start !== 1) list.attrs = { order: first.start };
	return list;
}

function readListItem(lines: string[], start: number, marker: ListMarker): { node: AdfNode; next: number } {
	const body = [marker.rest];
	let index = start + 1;
	while (index < lines.length) {
		const line = lines[index];
		if (isBlank(line)) {
			const after = nextNonBlank(lines, index);
			if (after >= lines.length || !belongsToItem(lines[after], marker)) break;
			for (; index < after; index++) body.push('');
		} else if (belongsToItem(line, marker)) {
			body.push(stripColumns(line, marker.contentIndent));
			index++;
		} else if (body[body.length - 1] !== '' && !startsBlock(lines, index)) {
			// Lazy continuation: an unindented line that continues the item's paragraph.
			body.push(line.trim());
			index++;
		} else {
			break;
		}
	}
	return { node: listItem(parseBlocks(body)), next: index };
}

/** Nested list markers need 2+ columns (or a tab) of extra indentation; other lines just need some. */
function belongsToItem(line: string, marker: ListMarker): boolean {
	const nested = matchListMarker(line);
	if (nested) return nested.indent >= marker.indent + 2;
	return indentWidth(line) > marker.indent;
}

function listItem(blocks: AdfNode[]): AdfNode {
	const content = fitInto(blocks);
	// ADF wants a list item to open with a paragraph (or code block), never directly with a list.
	if (content[0]?.type !== 'paragraph' && content[0]?.type !== 'codeBlock') content.unshift(paragraph([]));
	return { type: 'listItem', content };
}

// --- tables ---

function isTableStart(lines: string[], index: number): boolean {
	const header = lines[index];
	const delimiter = lines[index + 1];
	if (delimiter === undefined || !header.includes('|') || !delimiter.includes('|')) return false;
	if (!TABLE_DELIMITER_RE.test(delimiter)) return false;
	return splitRow(header).length === splitRow(delimiter).length;
}

function readTable(lines: string[], start: number): BlockResult | undefined {
	if (!isTableStart(lines, start)) return undefined;
	const width = splitRow(lines[start]).length;
	const rows = [tableRow(splitRow(lines[start]), width, 'tableHeader')];
	let index = start + 2;
	while (index < lines.length && !isBlank(lines[index]) && lines[index].includes('|')) {
		rows.push(tableRow(splitRow(lines[index]), width, 'tableCell'));
		index++;
	}
	const table: AdfNode = {
		type: 'table',
		attrs: { isNumberColumnEnabled: false, layout: 'default' },
		content: rows,
	};
	return { nodes: [table], next: index };
}

function tableRow(cells: string[], width: number, cellType: string): AdfNode {
	const content = Array.from({ length: width }, (_, index) => ({
		type: cellType,
		content: [paragraph(parseInline(cells[index] ?? ''))],
	}));
	return { type: 'tableRow', content };
}

/** Splits a table row on unescaped pipes; `\|` becomes a literal pipe in the cell. */
function splitRow(line: string): string[] {
	let row = line.trim();
	if (row.startsWith('|')) row = row.slice(1);
	if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
	const cells: string[] = [];
	let cell = '';
	for (let index = 0; index < row.length; index++) {
		const char = row[index];
		if (char === '\\' && index + 1 < row.length) {
			const next = row[index + 1];
			cell += next === '|' ? '|' : char + next;
			index++;
		} else if (char === '|') {
			cells.push(cell.trim());
			cell = '';
		} else {
			cell += char;
		}
	}
	cells.push(cell.trim());
	return cells;
}

// ---------------------------------------------------------------------------------------------
// Markdown -> ADF: inline content
// ---------------------------------------------------------------------------------------------

interface Delimiter {
	kind: 'delim';
	char: string;
	count: number;
	length: number;
	canOpen: boolean;
	canClose: boolean;
}

type Inline =
	| { kind: 'text'; text: string }
	| { kind: 'code'; text: string }
	| { kind: 'node'; node: AdfNode }
	| { kind: 'mark'; mark: AdfMark; children: Inline[] }
	| Delimiter;

interface InlineMatch {
	items: Inline[];
	end: number;
}

// Canonical mark order, so equal formatting always serialises the same way.
const MARK_ORDER = ['strong', 'em', 'strike', 'code', 'link'];
const ASCII_PUNCTUATION_RE = /[!-/:-@[-`{-~]/;
const AUTOLINK_RE = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL_AUTOLINK_RE =
	/<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/y;
const BARE_URL_RE = /https?:\/\/[^\s<]+/iy;
const TITLE_CLOSERS: Record<string, string> = { '"': '"', "'": "'", '(': ')' };
const MENTION_RE = /\[~accountid:([^\]|\s]+)(?:\|([^\]\n]*))?\]/y;

function parseInline(source: string, inLink = false): AdfNode[] {
	const nodes: AdfNode[] = [];
	flattenInline(resolveEmphasis(tokenize(source, inLink)), [], nodes);
	return trimAroundBreaks(nodes);
}

/** Text that is not code: code keeps its spaces. */
function isPlainText(node: AdfNode | undefined): node is AdfNode {
	return node?.type === 'text' && !(node.marks ?? []).some((mark) => mark.type === 'code');
}

/** Spaces next to a line break are invisible (trailing ones are markdown's own break syntax). */
function trimAroundBreaks(nodes: AdfNode[]): AdfNode[] {
	nodes.forEach((node, index) => {
		if (node.type !== 'hardBreak') return;
		const before = nodes[index - 1];
		const after = nodes[index + 1];
		if (isPlainText(before)) before.text = (before.text ?? '').replace(/[ \t]+$/, '');
		if (isPlainText(after)) after.text = (after.text ?? '').replace(/^[ \t]+/, '');
	});
	return nodes.filter((node) => node.type !== 'text' || node.text !== '');
}

function tokenize(source: string, inLink: boolean): Inline[] {
	const items: Inline[] = [];
	let index = 0;
	while (index < source.length) {
		const match = matchInline(source, index, inLink);
		if (match) {
			items.push(...match.items);
			index = match.end;
		} else {
			appendTextItem(items, source[index]);
			index++;
		}
	}
	return items;
}

function appendTextItem(items: Inline[], text: string): void {
	const last = items[items.length - 1];
	if (last?.kind === 'text') last.text += text;
	else items.push({ kind: 'text', text });
}

function matchInline(source: string, index: number, inLink: boolean): InlineMatch | undefined {
	switch (source[index]) {
		case '\\':
			return matchEscape(source, index);
		case '\n':
			return { items: [{ kind: 'node', node: hardBreak() }], end: index + 1 };
		case '`':
			return matchCodeSpan(source, index);
		case '[':
			return matchMention(source, index) ?? (inLink ? undefined : matchLink(source, index));
		case '!':
			return inLink ? undefined : matchImage(source, index);
		case '<':
			return inLink ? undefined : matchAutolink(source, index);
		case '*':
		case '_':
		case '~':
			return matchDelimiter(source, index);
		case 'h':
		case 'H':
			return inLink ? undefined : matchBareUrl(source, index);
		default:
			return undefined;
	}
}

function textItem(text: string): Inline {
	return { kind: 'text', text };
}

function matchEscape(source: string, index: number): InlineMatch | undefined {
	const next = source[index + 1];
	// A backslash at the end of a line is CommonMark's explicit hard break.
	if (next === '\n') return { items: [{ kind: 'node', node: hardBreak() }], end: index + 2 };
	if (next !== undefined && ASCII_PUNCTUATION_RE.test(next)) return { items: [textItem(next)], end: index + 2 };
	return undefined;
}

function runLength(source: string, index: number, char: string): number {
	let end = index;
	while (source[end] === char) end++;
	return end - index;
}

function matchCodeSpan(source: string, index: number): InlineMatch {
	const run = runLength(source, index, '`');
	let search = index + run;
	for (let close = source.indexOf('`', search); close >= 0; close = source.indexOf('`', search)) {
		const closeRun = runLength(source, close, '`');
		if (closeRun === run) {
			return { items: [{ kind: 'code', text: codeSpanText(source.slice(index + run, close)) }], end: close + run };
		}
		search = close + closeRun;
	}
	// No closing run of the same length: the backticks are literal.
	return { items: [textItem('`'.repeat(run))], end: index + run };
}

function codeSpanText(raw: string): string {
	const text = raw.replace(/\n/g, ' ');
	const padded = text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '';
	return padded ? text.slice(1, -1) : text;
}

function matchMention(source: string, index: number): InlineMatch | undefined {
	MENTION_RE.lastIndex = index;
	const match = MENTION_RE.exec(source);
	if (!match) return undefined;
	const id = match[1];
	const name = (match[2] ?? '').trim();
	const mention: AdfNode = { type: 'mention', attrs: { id, text: `@${name || id}` } };
	return { items: [{ kind: 'node', node: mention }], end: index + match[0].length };
}

function matchLink(source: string, index: number): InlineMatch | undefined {
	const close = findClosingBracket(source, index);
	if (close < 0 || source[close + 1] !== '(') return undefined;
	const destination = parseDestination(source, close + 2);
	if (!destination || destination.href === '') return undefined;
	const label = source.slice(index + 1, close);
	const children = label === '' ? [textItem(destination.href)] : resolveEmphasis(tokenize(label, true));
	const link: Inline = { kind: 'mark', mark: linkMark(destination.href), children };
	return { items: [link], end: destination.end };
}

/** Images cannot be uploaded from markdown; keep them as a link to the image. */
function matchImage(source: string, index: number): InlineMatch | undefined {
	return source[index + 1] === '[' ? matchLink(source, index + 1) : undefined;
}

function linkMark(href: string): AdfMark {
	return { type: 'link', attrs: { href } };
}

function findClosingBracket(source: string, open: number): number {
	let depth = 0;
	let index = open;
	while (index < source.length) {
		const char = source[index];
		if (char === '\\') {
			index += 2;
			continue;
		}
		if (char === '`') {
			index = matchCodeSpan(source, index).end;
			continue;
		}
		if (char === '[') depth++;
		if (char === ']' && --depth === 0) return index;
		index++;
	}
	return -1;
}

function skipSpaces(source: string, index: number): number {
	let end = index;
	while (end < source.length && /\s/.test(source[end])) end++;
	return end;
}

function parseDestination(source: string, start: number): { href: string; end: number } | undefined {
	let index = skipSpaces(source, start);
	let href: string;
	if (source[index] === '<') {
		const close = source.indexOf('>', index);
		if (close < 0 || /[<\n]/.test(source.slice(index + 1, close))) return undefined;
		href = source.slice(index + 1, close);
		index = close + 1;
	} else {
		const end = scanBareDestination(source, index);
		href = source.slice(index, end);
		index = end;
	}
	index = skipSpaces(source, index);
	const titleClose = TITLE_CLOSERS[source[index]];
	if (titleClose !== undefined) {
		// Titles have no ADF equivalent: skip them.
		const close = source.indexOf(titleClose, index + 1);
		if (close < 0) return undefined;
		index = skipSpaces(source, close + 1);
	}
	if (source[index] !== ')') return undefined;
	return { href: unescapePunctuation(href), end: index + 1 };
}

/** A destination without <> ends at whitespace or at the ')' that balances the link's '('. */
function scanBareDestination(source: string, start: number): number {
	let depth = 0;
	let index = start;
	while (index < source.length) {
		const char = source[index];
		if (char === '\\' && index + 1 < source.length) {
			index += 2;
			continue;
		}
		if (/\s/.test(char)) break;
		if (char === '(') depth++;
		if (char === ')' && depth-- === 0) break;
		index++;
	}
	return index;
}

function unescapePunctuation(text: string): string {
	return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

function matchAutolink(source: string, index: number): InlineMatch | undefined {
	AUTOLINK_RE.lastIndex = index;
	const url = AUTOLINK_RE.exec(source);
	if (url) return linkTo(url[1], url[1], index + url[0].length);
	EMAIL_AUTOLINK_RE.lastIndex = index;
	const email = EMAIL_AUTOLINK_RE.exec(source);
	if (email) return linkTo(`mailto:${email[1]}`, email[1], index + email[0].length);
	return undefined;
}

function linkTo(href: string, text: string, end: number): InlineMatch {
	return { items: [{ kind: 'mark', mark: linkMark(href), children: [textItem(text)] }], end };
}

function matchBareUrl(source: string, index: number): InlineMatch | undefined {
	// Only at a word start, so "xhttp://" or a path segment is not split into a link.
	if (index > 0 && /[\p{L}\p{N}/]/u.test(source[index - 1])) return undefined;
	BARE_URL_RE.lastIndex = index;
	const match = BARE_URL_RE.exec(source);
	if (!match) return undefined;
	const url = trimUrlTail(match[0]);
	if (/^https?:\/\/$/i.test(url)) return undefined;
	return linkTo(url, url, index + url.length);
}

/** Trailing punctuation and unbalanced closing brackets belong to the sentence, not the URL. */
function trimUrlTail(url: string): string {
	let end = url.length;
	for (;;) {
		const last = url[end - 1];
		const body = url.slice(0, end);
		if (/[?!.,:;*_~'"]/.test(last)) end--;
		else if (last === ')' && count(body, ')') > count(body, '(')) end--;
		else if (last === ']' && count(body, ']') > count(body, '[')) end--;
		else return url.slice(0, end);
	}
}

function count(text: string, char: string): number {
	return text.split(char).length - 1;
}

// --- emphasis: CommonMark's delimiter-run algorithm (flanking rules, rule of three) ---

function isWhitespace(char: string): boolean {
	return /\s/.test(char);
}

function isPunctuation(char: string): boolean {
	return /[\p{P}\p{S}]/u.test(char);
}

function matchDelimiter(source: string, index: number): InlineMatch {
	const char = source[index];
	const run = runLength(source, index, char);
	// Strikethrough is exactly two tildes; other tilde runs are plain text.
	if (char === '~' && run !== 2) return { items: [textItem(char.repeat(run))], end: index + run };
	const before = index > 0 ? source[index - 1] : ' ';
	const after = source[index + run] ?? ' ';
	const leftFlanking =
		!isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before));
	const rightFlanking =
		!isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after));
	// Underscores inside a word (snake_case) never emphasise.
	const canOpen = char === '_' ? leftFlanking && (!rightFlanking || isPunctuation(before)) : leftFlanking;
	const canClose = char === '_' ? rightFlanking && (!leftFlanking || isPunctuation(after)) : rightFlanking;
	const delimiter: Delimiter = { kind: 'delim', char, count: run, length: run, canOpen, canClose };
	return { items: [delimiter], end: index + run };
}

function resolveEmphasis(items: Inline[]): Inline[] {
	const list = [...items];
	let index = 0;
	while (index < list.length) {
		const closer = list[index];
		const opener = closer.kind === 'delim' && closer.canClose ? findOpener(list, index, closer) : -1;
		index = opener < 0 ? index + 1 : wrapEmphasis(list, opener, index);
	}
	return list;
}

function findOpener(list: Inline[], closerIndex: number, closer: Delimiter): number {
	for (let index = closerIndex - 1; index >= 0; index--) {
		const item = list[index];
		if (item.kind !== 'delim' || item.char !== closer.char || !item.canOpen || item.count === 0) continue;
		if (!breaksRuleOfThree(item, closer)) return index;
	}
	return -1;
}

function breaksRuleOfThree(opener: Delimiter, closer: Delimiter): boolean {
	if (opener.char === '~' || !(opener.canClose || closer.canOpen)) return false;
	return (opener.length + closer.length) % 3 === 0 && !(opener.length % 3 === 0 && closer.length % 3 === 0);
}

/** Wraps the items between opener and closer in a mark; returns where to continue scanning. */
function wrapEmphasis(list: Inline[], openerIndex: number, closerIndex: number): number {
	const opener = list[openerIndex] as Delimiter;
	const closer = list[closerIndex] as Delimiter;
	const use = opener.count >= 2 && closer.count >= 2 ? 2 : 1;
	const type = opener.char === '~' ? 'strike' : use === 2 ? 'strong' : 'em';
	opener.count -= use;
	closer.count -= use;
	const wrapped: Inline = { kind: 'mark', mark: { type }, children: list.slice(openerIndex + 1, closerIndex) };
	list.splice(openerIndex + 1, closerIndex - openerIndex - 1, wrapped);
	let next = openerIndex + 2;
	if (opener.count === 0) {
		list.splice(openerIndex, 1);
		next--;
	}
	if (closer.count === 0) list.splice(next, 1);
	return next;
}

function flattenInline(items: Inline[], marks: AdfMark[], out: AdfNode[]): void {
	for (const item of items) {
		if (item.kind === 'text') appendText(out, item.text, marks);
		else if (item.kind === 'delim') appendText(out, item.char.repeat(item.count), marks);
		else if (item.kind === 'code') appendText(out, item.text, codeMarks(marks));
		else if (item.kind === 'node') out.push(item.node);
		else flattenInline(item.children, addMark(marks, item.mark), out);
	}
}

/**
 * ADF allows no other mark next to code. Inside a link the link wins (Atlassian's own
 * clean-up does the same), elsewhere the emphasis around the code is dropped.
 */
function codeMarks(marks: AdfMark[]): AdfMark[] {
	const link = marks.find((mark) => mark.type === 'link');
	return link ? [link] : [{ type: 'code' }];
}

function addMark(marks: AdfMark[], mark: AdfMark): AdfMark[] {
	if (marks.some((existing) => existing.type === mark.type)) return marks;
	return [...marks, mark].sort((a, b) => MARK_ORDER.indexOf(a.type) - MARK_ORDER.indexOf(b.type));
}

function appendText(out: AdfNode[], text: string, marks: AdfMark[]): void {
	if (text === '') return;
	const last = out[out.length - 1];
	if (last?.type === 'text' && sameMarks(last.marks ?? [], marks)) last.text += text;
	else out.push(textNode(text, marks));
}

function sameMarks(a: AdfMark[], b: AdfMark[]): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Reading ADF defensively (input comes from the Jira API or from users)
// ---------------------------------------------------------------------------------------------

const INLINE_TYPES = new Set([
	'text',
	'hardBreak',
	'mention',
	'emoji',
	'inlineCard',
	'status',
	'date',
	'mediaInline',
	'placeholder',
	'inlineExtension',
]);
const LIST_TYPES = new Set(['bulletList', 'orderedList', 'taskList', 'decisionList']);
const MEDIA_TYPES = new Set(['media', 'mediaSingle', 'mediaGroup', 'mediaInline']);

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNodeLike(value: unknown): value is AdfNode {
	return isRecord(value) && typeof value.type === 'string';
}

function childrenOf(node: AdfNode): AdfNode[] {
	return Array.isArray(node.content) ? node.content.filter(isNodeLike) : [];
}

function attrString(node: AdfNode, key: string): string | undefined {
	const value = isRecord(node.attrs) ? node.attrs[key] : undefined;
	if (typeof value === 'string' && value !== '') return value;
	return typeof value === 'number' ? String(value) : undefined;
}

function isInline(node: AdfNode): boolean {
	return INLINE_TYPES.has(node.type) || typeof node.text === 'string';
}

function isList(node: AdfNode): boolean {
	return LIST_TYPES.has(node.type);
}

function marksOf(node: AdfNode): AdfMark[] {
	return Array.isArray(node.marks) ? node.marks.filter((mark) => isRecord(mark) && typeof mark.type === 'string') : [];
}

function linkHref(node: AdfNode): string | undefined {
	const link = marksOf(node).find((mark) => mark.type === 'link');
	const href = link && isRecord(link.attrs) ? link.attrs.href : undefined;
	return typeof href === 'string' ? href : undefined;
}

/** Wraps runs of inline nodes that sit directly in a block container into paragraphs. */
function groupInline(nodes: AdfNode[]): AdfNode[] {
	const grouped: AdfNode[] = [];
	for (const node of nodes) {
		const last = grouped[grouped.length - 1];
		if (!isInline(node)) grouped.push(node);
		else if (last?.type === 'inlineRun') last.content?.push(node);
		else grouped.push({ type: 'inlineRun', content: [node] });
	}
	return grouped.map((node) => (node.type === 'inlineRun' ? paragraph(node.content ?? []) : node));
}

/** Accepts a document, any single node, or a JSON string of one; other strings are plain text. */
function readRoot(doc: unknown): AdfNode | string {
	if (typeof doc === 'string') {
		const parsed = doc.trim().startsWith('{') ? parseJson(doc).value : undefined;
		return isNodeLike(parsed) ? parsed : doc;
	}
	return isNodeLike(doc) ? doc : '';
}

function parseJson(text: string): { value?: unknown; error?: string } {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch (error) {
		return { error: error instanceof Error ? error.message : String(error) };
	}
}

function plainTextOf(nodes: AdfNode[]): string {
	return nodes.map((node) => (typeof node.text === 'string' ? node.text : plainTextOf(childrenOf(node)))).join('');
}

function startNumber(list: AdfNode): number {
	const order = isRecord(list.attrs) ? Number(list.attrs.order) : NaN;
	return Number.isInteger(order) && order >= 0 ? order : 1;
}

function formatDate(node: AdfNode): string {
	const timestamp = attrString(node, 'timestamp');
	const date = new Date(Number(timestamp));
	return timestamp === undefined || Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

function taskPrefix(item: AdfNode): string {
	if (item.type !== 'taskItem') return '';
	return attrString(item, 'state') === 'DONE' ? '[x] ' : '[ ] ';
}

// ---------------------------------------------------------------------------------------------
// ADF -> plain text
// ---------------------------------------------------------------------------------------------

export function adfToText(doc: unknown): string {
	const root = readRoot(doc);
	if (typeof root === 'string') return root;
	return tidyText(blocksToText([root]).join('\n\n'));
}

/** Trailing whitespace off every line, at most one blank line in a row. */
function tidyText(text: string): string {
	return text
		.split('\n')
		.map((line) => line.trimEnd())
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.replace(/^\n+/, '')
		.trimEnd();
}

function blocksToText(nodes: AdfNode[]): string[] {
	return groupInline(nodes)
		.map(blockToText)
		.filter((text) => text.trim() !== '');
}

function blockToText(node: AdfNode): string {
	switch (node.type) {
		case 'paragraph':
		case 'heading':
			return inlineToText(childrenOf(node));
		case 'codeBlock':
			return plainTextOf(childrenOf(node));
		case 'rule':
			return '---';
		case 'table':
			return tableToText(node);
		case 'expand':
		case 'nestedExpand':
			return [attrString(node, 'title') ?? '', ...blocksToText(childrenOf(node))].join('\n\n');
		case 'blockCard':
		case 'embedCard':
			return attrString(node, 'url') ?? '';
		default:
			if (MEDIA_TYPES.has(node.type)) return '';
			if (isList(node)) return listToText(node, 0).join('\n');
			// doc, blockquote, panel and unknown containers: their content is what matters.
			return blocksToText(childrenOf(node)).join('\n\n');
	}
}

function inlineToText(nodes: AdfNode[]): string {
	let text = '';
	let index = 0;
	while (index < nodes.length) {
		const href = linkHref(nodes[index]);
		let end = index + 1;
		// Consecutive nodes under the same link read as one label, followed once by the URL.
		while (href !== undefined && end < nodes.length && linkHref(nodes[end]) === href) end++;
		const label = nodes.slice(index, end).map(inlineNodeToText).join('');
		text += href === undefined ? label : linkToText(label, href);
		index = end;
	}
	return text;
}

function linkToText(label: string, href: string): string {
	if (label === '' || label === href || `mailto:${label}` === href) return label || href;
	return `${label} (${href})`;
}

function inlineNodeToText(node: AdfNode): string {
	switch (node.type) {
		case 'text':
			return node.text ?? '';
		case 'hardBreak':
			return '\n';
		case 'mention':
			return attrString(node, 'text') ?? `@${attrString(node, 'id') ?? ''}`;
		case 'emoji':
			return attrString(node, 'text') ?? attrString(node, 'shortName') ?? '';
		case 'inlineCard':
			return attrString(node, 'url') ?? '';
		case 'status':
			return attrString(node, 'text') ?? '';
		case 'date':
			return formatDate(node);
		case 'mediaInline':
			return '';
		default:
			return typeof node.text === 'string' ? node.text : inlineToText(childrenOf(node));
	}
}

function listToText(list: AdfNode, depth: number): string[] {
	const ordered = list.type === 'orderedList';
	let number = startNumber(list);
	const indent = '  '.repeat(depth);
	return childrenOf(list).flatMap((item) => {
		if (isList(item)) return listToText(item, depth + 1);
		const marker = ordered ? `${number++}. ` : '- ';
		return listItemToText(item, depth, indent + marker + taskPrefix(item));
	});
}

function listItemToText(item: AdfNode, depth: number, firstPrefix: string): string[] {
	const lines: string[] = [];
	const continuation = '  '.repeat(depth + 1);
	for (const child of groupInline(childrenOf(item))) {
		if (isList(child)) {
			if (lines.length === 0) lines.push(firstPrefix);
			lines.push(...listToText(child, depth + 1));
			continue;
		}
		for (const block of blocksToText([child])) {
			for (const line of block.split('\n')) lines.push((lines.length === 0 ? firstPrefix : continuation) + line);
		}
	}
	return lines.length > 0 ? lines : [firstPrefix];
}

function tableToText(table: AdfNode): string {
	return childrenOf(table)
		.map((row) => childrenOf(row).map(cellToText).join(' | '))
		.join('\n');
}

function cellToText(cell: AdfNode): string {
	return blocksToText(childrenOf(cell)).join(' ').replace(/\s*\n\s*/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// ADF -> markdown (the inverse of markdownToAdf for its subset)
// ---------------------------------------------------------------------------------------------

export function adfToMarkdown(doc: unknown): string {
	const root = readRoot(doc);
	if (typeof root === 'string') return root;
	return blockSequenceToMarkdown([root], false).replace(/^\n+/, '').trimEnd();
}

const EMPHASIS_DELIMITERS: Record<string, string> = { strong: '**', em: '*', strike: '~~' };
// When two marks start together, the longer-running one goes outside; ties in this order.
const WRAPPING_MARKS = ['link', 'strong', 'em', 'strike'];

/**
 * Renders blocks separated by blank lines. Inside list items (`tight`) a nested list follows
 * its paragraph directly. Adjacent lists of one type alternate markers so they stay separate.
 */
function blockSequenceToMarkdown(nodes: AdfNode[], tight: boolean): string {
	let markdown = '';
	let previousType = '';
	let alternate = false;
	for (const node of groupInline(nodes)) {
		alternate = isList(node) && node.type === previousType ? !alternate : false;
		const block = blockToMarkdown(node, alternate);
		if (block === '') continue;
		const separator = tight && isList(node) ? '\n' : '\n\n';
		markdown += markdown === '' && !(tight && isList(node)) ? block : separator + block;
		previousType = node.type;
	}
	return markdown;
}

function blockToMarkdown(node: AdfNode, alternate: boolean): string {
	switch (node.type) {
		case 'paragraph':
			return paragraphToMarkdown(childrenOf(node));
		case 'heading':
			return headingToMarkdown(node);
		case 'codeBlock':
			return codeBlockToMarkdown(node);
		case 'rule':
			return '---';
		case 'table':
			return tableToMarkdown(node);
		case 'blockquote':
		case 'panel':
			return quoteMarkdown(blockSequenceToMarkdown(childrenOf(node), false));
		case 'expand':
		case 'nestedExpand':
			return expandToMarkdown(node);
		case 'blockCard':
		case 'embedCard':
			return urlToMarkdown(attrString(node, 'url') ?? '');
		default:
			if (MEDIA_TYPES.has(node.type)) return '';
			if (isList(node)) return listToMarkdown(node, alternate);
			return blockSequenceToMarkdown(childrenOf(node), false);
	}
}

function paragraphToMarkdown(inline: AdfNode[]): string {
	const lines = inlineToMarkdown(inline)
		.split('\n')
		.map((line) => line.trim());
	while (lines[0] === '') lines.shift();
	while (lines[lines.length - 1] === '') lines.pop();
	// An empty line would end the paragraph; a lone backslash is an explicit hard break instead.
	return lines.map((line) => (line === '' ? '\\' : escapeLineStart(line))).join('\n');
}

/** Text that would otherwise be read as the start of a block. */
function escapeLineStart(line: string): string {
	if (/^(?:#{1,6}(?:[ \t]|$)|>|[-+](?:[ \t]|$))/.test(line) || RULE_RE.test(line)) return `\\${line}`;
	if (line.includes('|') && TABLE_DELIMITER_RE.test(line)) return `\\${line}`;
	return line.replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, '$1\\$2');
}

function headingToMarkdown(node: AdfNode): string {
	const level = Math.min(6, Math.max(1, Number(attrString(node, 'level') ?? 1) || 1));
	const text = inlineToMarkdown(childrenOf(node)).replace(/\s*\n\s*/g, ' ').trim();
	// A trailing run of '#' would be read as the optional closing sequence.
	const safe = text.replace(/(^|[ \t])(#+)$/, '$1\\$2');
	return safe === '' ? '#'.repeat(level) : `${'#'.repeat(level)} ${safe}`;
}

function codeBlockToMarkdown(node: AdfNode): string {
	const code = plainTextOf(childrenOf(node));
	const language = (attrString(node, 'language') ?? '').split(/\s/)[0];
	// A backtick fence cannot carry a backtick in its info string; a tilde fence can.
	const char = language.includes('`') ? '~' : '`';
	const longestRun = Math.max(0, ...(code.match(char === '`' ? /`+/g : /~+/g) ?? []).map((run) => run.length));
	const fence = char.repeat(Math.max(3, longestRun + 1));
	return code === '' ? `${fence}${language}\n${fence}` : `${fence}${language}\n${code}\n${fence}`;
}

function quoteMarkdown(inner: string): string {
	if (inner === '') return '';
	return inner
		.split('\n')
		.map((line) => (line === '' ? '>' : `> ${line}`))
		.join('\n');
}

function expandToMarkdown(node: AdfNode): string {
	const title = attrString(node, 'title');
	const body = blockSequenceToMarkdown(childrenOf(node), false);
	const heading = title ? `**${escapeMarkdown(title.trim())}**` : '';
	return [heading, body].filter((part) => part !== '').join('\n\n');
}

function urlToMarkdown(url: string): string {
	if (url === '') return '';
	return /^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$/.test(url) ? `<${url}>` : escapeMarkdown(url);
}

function listToMarkdown(list: AdfNode, alternate: boolean): string {
	const ordered = list.type === 'orderedList';
	let number = startNumber(list);
	return childrenOf(list)
		.map((item) => {
			if (isList(item)) return indentLines(listToMarkdown(item, false), '  ');
			const marker = ordered ? `${number++}${alternate ? ')' : '.'} ` : `${alternate ? '*' : '-'} `;
			return listItemToMarkdown(item, marker + taskPrefix(item));
		})
		.join('\n');
}

function listItemToMarkdown(item: AdfNode, marker: string): string {
	const [first, ...rest] = blockSequenceToMarkdown(childrenOf(item), true).split('\n');
	const firstLine = `${marker}${first}`.trimEnd();
	// Continuation lines line up with the item's text, which is what makes them nest.
	return rest.length === 0 ? firstLine : `${firstLine}\n${indentLines(rest.join('\n'), ' '.repeat(marker.length))}`;
}

function indentLines(text: string, indent: string): string {
	return text
		.split('\n')
		.map((line) => (line === '' ? '' : indent + line))
		.join('\n');
}

function tableToMarkdown(table: AdfNode): string {
	const rows = childrenOf(table)
		.map((row) => childrenOf(row).map(cellToMarkdown))
		.filter((cells) => cells.length > 0);
	if (rows.length === 0) return '';
	const width = Math.max(...rows.map((cells) => cells.length));
	const line = (cells: string[]) =>
		`| ${Array.from({ length: width }, (_, index) => cells[index] ?? '').join(' | ')} |`;
	// Markdown tables need a header row; the first row serves even when Jira marked none.
	const [header, ...body] = rows;
	return [line(header), line(Array<string>(width).fill('---')), ...body.map(line)].join('\n');
}

function cellToMarkdown(cell: AdfNode): string {
	const parts = groupInline(childrenOf(cell)).map((block) =>
		block.type === 'paragraph' || block.type === 'heading'
			? inlineToMarkdown(childrenOf(block))
			: escapeMarkdown(blocksToText([block]).join(' ')),
	);
	return parts
		.join(' ')
		.replace(/\s*\n\s*/g, ' ')
		.trim()
		.replace(/\|/g, '\\|');
}

// --- inline ---

function sameMark(a: AdfMark, b: AdfMark): boolean {
	if (a.type !== b.type) return false;
	return a.type !== 'link' || markHref(a) === markHref(b);
}

function markHref(mark: AdfMark): string {
	const href = isRecord(mark.attrs) ? mark.attrs.href : undefined;
	return typeof href === 'string' ? href : '';
}

function wrappingMarks(node: AdfNode): AdfMark[] {
	return marksOf(node)
		.filter((mark) => WRAPPING_MARKS.includes(mark.type) && (mark.type !== 'link' || markHref(mark) !== ''))
		.sort((a, b) => WRAPPING_MARKS.indexOf(a.type) - WRAPPING_MARKS.indexOf(b.type));
}

function hasMark(node: AdfNode, mark: AdfMark): boolean {
	return marksOf(node).some((candidate) => sameMark(candidate, mark));
}

function inlineToMarkdown(nodes: AdfNode[]): string {
	return renderMarkedRun(mergeTextNodes(nodes), []);
}

/** Jira may split equally formatted text into several nodes; as separate spans they could fuse badly. */
function mergeTextNodes(nodes: AdfNode[]): AdfNode[] {
	const merged: AdfNode[] = [];
	for (const node of nodes) {
		const last = merged[merged.length - 1];
		const mergeable = node.type === 'text' && last?.type === 'text' && typeof node.text === 'string';
		if (mergeable && markKey(last) === markKey(node)) {
			merged[merged.length - 1] = { ...last, text: `${last.text ?? ''}${node.text}` };
		} else {
			merged.push(node);
		}
	}
	return merged;
}

function markKey(node: AdfNode): string {
	return marksOf(node)
		.map((mark) => `${mark.type}:${markHref(mark)}`)
		.sort()
		.join('|');
}

/**
 * Builds properly nested markdown from ADF's flat marks: at each position the pending mark
 * that runs longest is opened outermost, so `**a *b***` style overlaps never appear.
 */
function renderMarkedRun(nodes: AdfNode[], active: AdfMark[]): string {
	let markdown = '';
	let index = 0;
	while (index < nodes.length) {
		const pending = wrappingMarks(nodes[index]).filter((mark) => !active.some((open) => sameMark(open, mark)));
		if (pending.length === 0) {
			markdown = joinInline(markdown, inlineNodeToMarkdown(nodes[index]));
			index++;
			continue;
		}
		let best = pending[0];
		let bestEnd = runEnd(nodes, index, best);
		for (const mark of pending.slice(1)) {
			const end = runEnd(nodes, index, mark);
			if (end > bestEnd) [best, bestEnd] = [mark, end];
		}
		markdown = joinInline(markdown, wrapMarkdown(best, nodes.slice(index, bestEnd), active));
		index = bestEnd;
	}
	return markdown;
}

/** A '!' right before a link or mention would turn it into an image. */
function joinInline(before: string, piece: string): string {
	if (piece.startsWith('[') && /(?:^|[^\\])!$/.test(before)) return `${before.slice(0, -1)}\\!${piece}`;
	return before + piece;
}

function runEnd(nodes: AdfNode[], start: number, mark: AdfMark): number {
	let end = start;
	while (end < nodes.length && hasMark(nodes[end], mark)) end++;
	return end;
}

function wrapMarkdown(mark: AdfMark, run: AdfNode[], active: AdfMark[]): string {
	if (mark.type === 'link') return linkToMarkdown(markHref(mark), run, [...active, mark]);
	const inner = renderMarkedRun(run, [...active, mark]);
	// Delimiters must touch non-space text to count, so surrounding spaces move outside.
	const [, leading, core, trailing] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner) ?? ['', '', inner, ''];
	if (core === '') return inner;
	const delimiter = EMPHASIS_DELIMITERS[mark.type];
	return `${leading}${delimiter}${core}${delimiter}${trailing}`;
}

function linkToMarkdown(href: string, run: AdfNode[], active: AdfMark[]): string {
	const only = run.length === 1 ? run[0] : undefined;
	const plain = only?.type === 'text' && wrappingMarks(only).length === active.length && !hasCode(only);
	const label = only?.text ?? '';
	if (plain && (label === href || `mailto:${label}` === href) && isAutolinkable(label)) return `<${label}>`;
	return `[${renderMarkedRun(run, active)}](${destinationToMarkdown(href)})`;
}

function isAutolinkable(text: string): boolean {
	return /^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$/.test(text) || /^[^\s<>@]+@[^\s<>@]+$/.test(text);
}

function destinationToMarkdown(href: string): string {
	if (/\s/.test(href) && !/[<>\n]/.test(href)) return `<${href}>`;
	return href.replace(parensNest(href) ? /\\/g : /[\\()]/g, '\\$&');
}

/** Balanced, properly nested parentheses may stay bare in a link destination. */
function parensNest(text: string): boolean {
	let depth = 0;
	for (const char of text) {
		if (char === '(') depth++;
		if (char === ')' && --depth < 0) return false;
	}
	return depth === 0;
}

function hasCode(node: AdfNode): boolean {
	return marksOf(node).some((mark) => mark.type === 'code');
}

function inlineNodeToMarkdown(node: AdfNode): string {
	switch (node.type) {
		case 'text':
			return hasCode(node) ? codeSpan(node.text ?? '') : escapeMarkdown(node.text ?? '');
		case 'hardBreak':
			return '\n';
		case 'mention':
			return mentionToMarkdown(node);
		case 'emoji':
			return escapeMarkdown(attrString(node, 'text') ?? attrString(node, 'shortName') ?? '');
		case 'inlineCard':
			return urlToMarkdown(attrString(node, 'url') ?? '');
		case 'status':
			return escapeMarkdown(attrString(node, 'text') ?? '');
		case 'date':
			return formatDate(node);
		case 'mediaInline':
			return '';
		default:
			return typeof node.text === 'string' ? escapeMarkdown(node.text) : inlineToMarkdown(childrenOf(node));
	}
}

function mentionToMarkdown(node: AdfNode): string {
	const id = attrString(node, 'id');
	const text = attrString(node, 'text');
	if (!id || /[\s\]|]/.test(id)) return escapeMarkdown(text ?? '');
	if (!text || text === `@${id}`) return `[~accountid:${id}]`;
	// Keep a display name, so the mention reads the same after a round trip.
	return `[~accountid:${id}|${text.replace(/^@/, '').replace(/[\]\n]/g, '')}]`;
}

function codeSpan(text: string): string {
	const code = text.replace(/\n/g, ' ');
	const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(longestRun + 1);
	// Padding keeps a backtick at either end from merging with the fence; it is stripped on parse.
	const spaced = code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '';
	const pad = code.startsWith('`') || code.endsWith('`') || spaced ? ' ' : '';
	return `${fence}${pad}${code}${pad}${fence}`;
}

function escapeMarkdown(text: string): string {
	let escaped = '';
	for (let index = 0; index < text.length; index++) {
		if (needsEscape(text, index)) escaped += '\\';
		escaped += text[index];
	}
	// "https://" in plain text would become a link when read back.
	return escaped.replace(/(https?):\/\//gi, '$1\\://');
}

function needsEscape(text: string, index: number): boolean {
	const char = text[index];
	const before = text[index - 1];
	const after = text[index + 1];
	switch (char) {
		case '\\':
		case '`':
		case '*':
		case '[':
		case ']':
			return true;
		case '_':
			// snake_case needs no escaping: intraword underscores never emphasise.
			return !(isWordChar(before) && isWordChar(after));
		case '~':
			// Even a lone tilde can end up next to a strike delimiter once spaces move outside marks.
			return true;
		case '<':
			return startsAutolink(text, index);
		default:
			return false;
	}
}

function isWordChar(char: string | undefined): boolean {
	return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

function startsAutolink(text: string, index: number): boolean {
	AUTOLINK_RE.lastIndex = index;
	EMAIL_AUTOLINK_RE.lastIndex = index;
	return AUTOLINK_RE.test(text) || EMAIL_AUTOLINK_RE.test(text);
}

// ---------------------------------------------------------------------------------------------
// Validation and format dispatch
// ---------------------------------------------------------------------------------------------

export function isAdfDocument(value: unknown): value is AdfDocument {
	return (
		isRecord(value) &&
		value.type === 'doc' &&
		value.version === 1 &&
		Array.isArray(value.content) &&
		value.content.every(isAdfNodeShape)
	);
}

function isAdfNodeShape(value: unknown): boolean {
	if (!isRecord(value) || typeof value.type !== 'string') return false;
	const { content, text, marks } = value;
	if (content !== undefined && !(Array.isArray(content) && content.every(isAdfNodeShape))) return false;
	if (text !== undefined && typeof text !== 'string') return false;
	return marks === undefined || (Array.isArray(marks) && marks.every((mark) => isNodeLike(mark)));
}

export function toAdf(value: unknown, format: BodyFormat): AdfDocument {
	switch (format) {
		case 'text':
			return textToAdf(stringify(value));
		case 'markdown':
			return markdownToAdf(stringify(value));
		case 'adf':
			return parseAdfValue(value);
		default:
			throw new Error(`Unknown body format "${String(format)}": expected "text", "markdown" or "adf"`);
	}
}

function stringify(value: unknown): string {
	if (value === null || value === undefined) return '';
	// An object in a text field is almost always a mapping mistake; JSON at least shows what arrived.
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function parseAdfValue(value: unknown): AdfDocument {
	let subject = 'The value';
	let candidate = value;
	if (typeof value === 'string') {
		const parsed = parseJson(value);
		candidate = parsed.value;
		subject = parsed.error === undefined ? 'The JSON text' : `The text (not valid JSON: ${parsed.error})`;
	} else if (value === null || value === undefined) {
		subject = 'An empty value';
	}
	if (isAdfDocument(candidate)) return candidate;
	const found = isNodeLike(candidate) ? ` (a node of type "${candidate.type}")` : '';
	throw new Error(`${subject}${found} is not an Atlassian Document Format document: expected ${EXPECTED_SHAPE}`);
}

export function fromAdf(doc: unknown, format: BodyFormat): string | AdfDocument {
	switch (format) {
		case 'text':
			return adfToText(doc);
		case 'markdown':
			return adfToMarkdown(doc);
		case 'adf':
			return doc === null || doc === undefined ? adfDocument() : (doc as AdfDocument);
		default:
			throw new Error(`Unknown body format "${String(format)}": expected "text", "markdown" or "adf"`);
	}
}
