/**
 * Just enough Atlassian Document Format for the emulator: it keeps ADF bodies exactly as sent,
 * checks that they are documents Jira would accept, and derives plain text (for `~` search and
 * changelog strings) and HTML (for renderedFields) from them.
 */

export interface AdfNode {
	type: string;
	text?: string;
	content?: AdfNode[];
	attrs?: Record<string, unknown>;
	marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
	version?: number;
}

export function textToAdf(text: string): AdfNode {
	const paragraphs = text.split(/\n{2,}/).filter((block) => block !== '');
	return {
		type: 'doc',
		version: 1,
		content: paragraphs.map((block) => {
			const content: AdfNode[] = [];
			block.split('\n').forEach((line, index) => {
				if (index > 0) content.push({ type: 'hardBreak' });
				if (line !== '') content.push({ type: 'text', text: line });
			});
			return { type: 'paragraph', content };
		}),
	};
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a value is not an ADF document Jira accepts, or undefined when it is one. */
export function adfProblem(value: unknown): string | undefined {
	if (!isObject(value) || value.type !== 'doc') {
		return 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
	}
	if (value.version !== 1 || !Array.isArray(value.content)) return 'INVALID_INPUT';
	const walk = (node: unknown): string | undefined => {
		if (!isObject(node) || typeof node.type !== 'string') return 'INVALID_INPUT';
		// Jira refuses empty text nodes.
		if (node.type === 'text' && (typeof node.text !== 'string' || node.text === '')) return 'INVALID_INPUT';
		if (node.content !== undefined) {
			if (!Array.isArray(node.content)) return 'INVALID_INPUT';
			for (const child of node.content) {
				const problem = walk(child);
				if (problem) return problem;
			}
		}
		return undefined;
	};
	for (const child of value.content) {
		const problem = walk(child);
		if (problem) return problem;
	}
	return undefined;
}

const BLOCKS = new Set(['paragraph', 'heading', 'codeBlock', 'blockquote', 'listItem', 'rule', 'panel', 'tableRow']);

export function adfToText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (!isObject(value)) return '';
	const out: string[] = [];
	const walk = (node: AdfNode): void => {
		switch (node.type) {
			case 'text':
				out.push(node.text ?? '');
				return;
			case 'hardBreak':
				out.push('\n');
				return;
			case 'mention':
			case 'emoji':
				out.push(String(node.attrs?.text ?? node.attrs?.shortName ?? ''));
				return;
			case 'inlineCard':
				out.push(String(node.attrs?.url ?? ''));
				return;
		}
		for (const child of node.content ?? []) walk(child);
		if (BLOCKS.has(node.type)) out.push('\n\n');
	};
	walk(value as unknown as AdfNode);
	return out.join('').replace(/\n{3,}/g, '\n\n').trim();
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function adfToHtml(value: unknown): string {
	if (typeof value === 'string') return `<p>${escapeHtml(value)}</p>`;
	if (!isObject(value)) return '';
	const render = (node: AdfNode): string => {
		const inner = () => (node.content ?? []).map(render).join('');
		switch (node.type) {
			case 'doc':
				return inner();
			case 'paragraph':
				return `<p>${inner()}</p>`;
			case 'heading':
				return `<h${Number(node.attrs?.level ?? 1)}>${inner()}</h${Number(node.attrs?.level ?? 1)}>`;
			case 'bulletList':
				return `<ul>${inner()}</ul>`;
			case 'orderedList':
				return `<ol>${inner()}</ol>`;
			case 'listItem':
				return `<li>${inner()}</li>`;
			case 'codeBlock':
				return `<pre>${inner()}</pre>`;
			case 'blockquote':
				return `<blockquote>${inner()}</blockquote>`;
			case 'hardBreak':
				return '<br/>';
			case 'text': {
				let html = escapeHtml(node.text ?? '');
				for (const mark of node.marks ?? []) {
					if (mark.type === 'strong') html = `<b>${html}</b>`;
					else if (mark.type === 'em') html = `<em>${html}</em>`;
					else if (mark.type === 'code') html = `<tt>${html}</tt>`;
					else if (mark.type === 'link') html = `<a href="${escapeHtml(String(mark.attrs?.href ?? ''))}">${html}</a>`;
				}
				return html;
			}
			default:
				return inner();
		}
	};
	return render(value as unknown as AdfNode);
}
