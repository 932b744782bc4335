import {
	adfToMarkdown,
	adfToText,
	fromAdf,
	isAdfDocument,
	markdownToAdf,
	textToAdf,
	toAdf,
	type AdfDocument,
	type AdfMark,
	type AdfNode,
} from '../../nodes/Jira/adf';

// --- small builders, so expected structures stay readable while still being exact ---

const doc = (...content: AdfNode[]): AdfDocument => ({ type: 'doc', version: 1, content });
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const t = (text: string, ...marks: AdfMark[]): AdfNode => (marks.length ? { type: 'text', text, marks } : { type: 'text', text });
const br: AdfNode = { type: 'hardBreak' };
const strong: AdfMark = { type: 'strong' };
const em: AdfMark = { type: 'em' };
const code: AdfMark = { type: 'code' };
const strike: AdfMark = { type: 'strike' };
const link = (href: string): AdfMark => ({ type: 'link', attrs: { href } });
const li = (...content: AdfNode[]): AdfNode => ({ type: 'listItem', content });
const ul = (...items: AdfNode[]): AdfNode => ({ type: 'bulletList', content: items });
const ol = (...items: AdfNode[]): AdfNode => ({ type: 'orderedList', content: items });
const heading = (level: number, ...content: AdfNode[]): AdfNode => ({ type: 'heading', attrs: { level }, content });

/** Every node of a tree, depth first (the document itself included). */
function walk(node: AdfNode | AdfDocument, visit: (node: AdfNode, parent?: AdfNode) => void, parent?: AdfNode): void {
	visit(node as AdfNode, parent);
	for (const child of node.content ?? []) walk(child, visit, node as AdfNode);
}

/** The schema rules the converter promises to keep; returns every violation found. */
function schemaProblems(document: AdfDocument): string[] {
	const problems: string[] = [];
	walk(document, (node, parent) => {
		if (node.type === 'text' && (typeof node.text !== 'string' || node.text === '')) {
			problems.push(`empty text node under ${parent?.type}`);
		}
		const markTypes = (node.marks ?? []).map((mark) => mark.type);
		if (markTypes.includes('code') && markTypes.length > 1) problems.push(`code combined with ${markTypes.join(',')}`);
		if (node.type === 'codeBlock' && (node.content ?? []).some((child) => child.type !== 'text' || child.marks)) {
			problems.push('codeBlock with marks or non-text content');
		}
		if (node.type === 'listItem') {
			const first = node.content?.[0]?.type;
			if (first !== 'paragraph' && first !== 'codeBlock') problems.push(`listItem starting with ${first}`);
			const allowed = ['paragraph', 'bulletList', 'orderedList', 'codeBlock'];
			for (const child of node.content ?? []) {
				if (!allowed.includes(child.type)) problems.push(`listItem containing ${child.type}`);
			}
		}
		if (node.type === 'blockquote' && (node.content ?? []).length === 0) problems.push('empty blockquote');
	});
	return problems;
}

describe('textToAdf', () => {
	it('splits paragraphs on blank lines and turns single newlines into hardBreaks', () => {
		expect(textToAdf('Line one\r\nLine two\r\n\r\nSecond paragraph')).toStrictEqual(
			doc(p(t('Line one'), br, t('Line two')), p(t('Second paragraph'))),
		);
	});

	it('treats whitespace-only lines as paragraph separators and ignores leading/trailing blank lines', () => {
		expect(textToAdf('\n\nfirst\n   \n\t\n\nsecond\n\n')).toStrictEqual(doc(p(t('first')), p(t('second'))));
	});

	it('keeps markdown characters literally', () => {
		expect(textToAdf('**not bold** [x](y)')).toStrictEqual(doc(p(t('**not bold** [x](y)'))));
	});

	it('gives an empty document for empty or whitespace-only input', () => {
		expect(textToAdf('')).toStrictEqual({ type: 'doc', version: 1, content: [] });
		expect(textToAdf(' \r\n\t\n  ')).toStrictEqual({ type: 'doc', version: 1, content: [] });
	});

	it('never emits empty text nodes', () => {
		for (const input of ['a\n\nb', 'a\r\n\r\n\r\nb', '\n', 'x\n', 'a\r\nb\r\n']) {
			expect(schemaProblems(textToAdf(input))).toEqual([]);
		}
	});
});

describe('markdownToAdf: blocks', () => {
	it('gives an empty document for empty input', () => {
		expect(markdownToAdf('')).toStrictEqual(doc());
		expect(markdownToAdf('\n  \n')).toStrictEqual(doc());
	});

	it('parses ATX headings of every level and drops a closing # run', () => {
		const md = '# One\n## Two ##\n### Three\n#### Four\n##### Five\n###### Six';
		expect(markdownToAdf(md)).toStrictEqual(
			doc(
				heading(1, t('One')),
				heading(2, t('Two')),
				heading(3, t('Three')),
				heading(4, t('Four')),
				heading(5, t('Five')),
				heading(6, t('Six')),
			),
		);
	});

	it('does not treat #word or seven hashes as a heading', () => {
		expect(markdownToAdf('#tag\n####### seven')).toStrictEqual(doc(p(t('#tag'), br, t('####### seven'))));
	});

	it('turns soft line breaks inside a paragraph into hardBreaks', () => {
		expect(markdownToAdf('first line\n  second line\n\nnext paragraph')).toStrictEqual(
			doc(p(t('first line'), br, t('second line')), p(t('next paragraph'))),
		);
	});

	it('accepts markdown hard-break syntax and drops the spaces around breaks', () => {
		expect(markdownToAdf('two spaces  \nbackslash\\\nend')).toStrictEqual(doc(p(t('two spaces'), br, t('backslash'), br, t('end'))));
	});

	it('reads a line starting with ```code``` as inline code, not a fence', () => {
		expect(markdownToAdf('```npm ci``` first\nthen')).toStrictEqual(doc(p(t('npm ci', code), t(' first'), br, t('then'))));
	});

	it('drops an empty blockquote, which ADF would reject', () => {
		expect(markdownToAdf('>\n\ntext')).toStrictEqual(doc(p(t('text'))));
	});

	it('nests bullet in ordered in bullet lists three levels deep', () => {
		const md = [
			'- Prepare',
			'  1. Back up the database',
			'     - run `pg_dump`',
			'     - verify the dump',
			'  2. Announce downtime',
			'- Deploy',
		].join('\n');
		expect(markdownToAdf(md)).toStrictEqual(
			doc(
				ul(
					li(
						p(t('Prepare')),
						ol(
							li(p(t('Back up the database')), ul(li(p(t('run '), t('pg_dump', code))), li(p(t('verify the dump'))))),
							li(p(t('Announce downtime'))),
						),
					),
					li(p(t('Deploy'))),
				),
			),
		);
	});

	it('accepts a tab as one nesting level and + / * bullets', () => {
		expect(markdownToAdf('+ a\n\t* b\n+ c')).toStrictEqual(doc(ul(li(p(t('a')), ul(li(p(t('b'))))), li(p(t('c'))))));
	});

	it('sets attrs.order only when an ordered list does not start at 1', () => {
		expect(markdownToAdf('3. three\n4. four')).toStrictEqual(
			doc({ type: 'orderedList', attrs: { order: 3 }, content: [li(p(t('three'))), li(p(t('four')))] }),
		);
		expect(markdownToAdf('1) one\n2) two')).toStrictEqual(doc(ol(li(p(t('one'))), li(p(t('two'))))));
	});

	it('starts a new list when the list type changes', () => {
		expect(markdownToAdf('- a\n1. b')).toStrictEqual(doc(ul(li(p(t('a')))), ol(li(p(t('b'))))));
	});

	it('keeps loose list items, multi-paragraph items and code blocks inside items', () => {
		const md = '1. first\n\n   more about first\n\n   ```sh\n   make\n   ```\n\n2. second';
		expect(markdownToAdf(md)).toStrictEqual(
			doc(
				ol(
					li(p(t('first')), p(t('more about first')), { type: 'codeBlock', attrs: { language: 'sh' }, content: [t('make')] }),
					li(p(t('second'))),
				),
			),
		);
	});

	it('gives list items a paragraph first and flattens blocks ADF does not allow in them', () => {
		const result = markdownToAdf('-\n  - only nested\n- # heading\n- > quoted');
		expect(result).toStrictEqual(
			doc(ul(li(p(), ul(li(p(t('only nested'))))), li(p(t('heading'))), li(p(t('quoted'))))),
		);
		expect(schemaProblems(result)).toEqual([]);
	});

	it('parses fenced code blocks with a language, blank lines and markdown left untouched', () => {
		const md = '```typescript\nconst a = 1;\n\n\n// **not bold** [x](y)\n```\n\n~~~\nplain ~~~ text\n~~~';
		expect(markdownToAdf(md)).toStrictEqual(
			doc(
				{
					type: 'codeBlock',
					attrs: { language: 'typescript' },
					content: [t('const a = 1;\n\n\n// **not bold** [x](y)')],
				},
				{ type: 'codeBlock', content: [t('plain ~~~ text')] },
			),
		);
	});

	it('gives an empty code block no text node and runs an unterminated fence to the end', () => {
		expect(markdownToAdf('```\n```')).toStrictEqual(doc({ type: 'codeBlock', content: [] }));
		expect(markdownToAdf('```\nstill code')).toStrictEqual(doc({ type: 'codeBlock', content: [t('still code')] }));
	});

	it('parses blockquotes into paragraphs (and lists)', () => {
		expect(markdownToAdf('> first *quoted*\n> line\n>\n> - point')).toStrictEqual(
			doc({
				type: 'blockquote',
				content: [p(t('first '), t('quoted', em), br, t('line')), ul(li(p(t('point'))))],
			}),
		);
	});

	it('parses horizontal rules', () => {
		expect(markdownToAdf('a\n\n---\n\n***\n\n_ _ _\n\nb')).toStrictEqual(
			doc(p(t('a')), { type: 'rule' }, { type: 'rule' }, { type: 'rule' }, p(t('b'))),
		);
	});

	it('parses pipe tables with a header row, padding short rows', () => {
		const md = '| Name | Status |\n| :--- | ---: |\n| **API** | `ok` |\n| a \\| b |';
		const cell = (type: string, ...content: AdfNode[]): AdfNode => ({ type, content: [p(...content)] });
		expect(markdownToAdf(md)).toStrictEqual(
			doc({
				type: 'table',
				attrs: { isNumberColumnEnabled: false, layout: 'default' },
				content: [
					{ type: 'tableRow', content: [cell('tableHeader', t('Name')), cell('tableHeader', t('Status'))] },
					{ type: 'tableRow', content: [cell('tableCell', t('API', strong)), cell('tableCell', t('ok', code))] },
					{ type: 'tableRow', content: [cell('tableCell', t('a | b')), cell('tableCell')] },
				],
			}),
		);
	});

	it('ends a paragraph when a block starts on the next line', () => {
		expect(markdownToAdf('Steps:\n1. one\n\nIntro\n```\nx\n```')).toStrictEqual(
			doc(p(t('Steps:')), ol(li(p(t('one')))), p(t('Intro')), { type: 'codeBlock', content: [t('x')] }),
		);
	});
});

describe('markdownToAdf: inline', () => {
	it('parses every mark', () => {
		expect(markdownToAdf('**b** __b2__ *i* _i2_ `c` ~~s~~')).toStrictEqual(
			doc(
				p(
					t('b', strong),
					t(' '),
					t('b2', strong),
					t(' '),
					t('i', em),
					t(' '),
					t('i2', em),
					t(' '),
					t('c', code),
					t(' '),
					t('s', strike),
				),
			),
		);
	});

	it('combines nested marks in a fixed order', () => {
		expect(markdownToAdf('***both*** and **a *b* ~~c~~**')).toStrictEqual(
			doc(
				p(
					t('both', strong, em),
					t(' and '),
					t('a ', strong),
					t('b', strong, em),
					t(' ', strong),
					t('c', strong, strike),
				),
			),
		);
	});

	it('never combines code with another mark', () => {
		expect(markdownToAdf('**bold `code` bold** and [`linked code`](https://x.test)')).toStrictEqual(
			doc(
				p(
					t('bold ', strong),
					t('code', code),
					t(' bold', strong),
					t(' and '),
					t('linked code', link('https://x.test')),
				),
			),
		);
	});

	it('keeps intraword underscores and keeps code span content literal', () => {
		expect(markdownToAdf('snake_case_name and `a *b* \\`')).toStrictEqual(
			doc(p(t('snake_case_name and '), t('a *b* \\', code))),
		);
	});

	it('parses inline links, titles, images as links, autolinks and bare URLs', () => {
		const md =
			'[docs](https://example.com/a_(b) "Title") ![shot](https://img.test/s.png) ' +
			'<https://auto.test/x> <ops@example.com> see https://bare.test/path?q=1.';
		expect(markdownToAdf(md)).toStrictEqual(
			doc(
				p(
					t('docs', link('https://example.com/a_(b)')),
					t(' '),
					t('shot', link('https://img.test/s.png')),
					t(' '),
					t('https://auto.test/x', link('https://auto.test/x')),
					t(' '),
					t('ops@example.com', link('mailto:ops@example.com')),
					t(' see '),
					t('https://bare.test/path?q=1', link('https://bare.test/path?q=1')),
					t('.'),
				),
			),
		);
	});

	it('formats link text and trims a closing parenthesis from a bare URL', () => {
		expect(markdownToAdf('[**bold** link](https://x.test) (https://y.test/z)')).toStrictEqual(
			doc(
				p(
					t('bold', strong, link('https://x.test')),
					t(' link', link('https://x.test')),
					t(' ('),
					t('https://y.test/z', link('https://y.test/z')),
					t(')'),
				),
			),
		);
	});

	it('parses Jira mentions in both forms', () => {
		expect(markdownToAdf('Hi [~accountid:5b10ac8d82e05b22cc7d4ef5], ask [~accountid:557058:abc-def|Jane Doe].')).toStrictEqual(
			doc(
				p(
					t('Hi '),
					{ type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5', text: '@5b10ac8d82e05b22cc7d4ef5' } },
					t(', ask '),
					{ type: 'mention', attrs: { id: '557058:abc-def', text: '@Jane Doe' } },
					t('.'),
				),
			),
		);
	});

	it('turns backslash escapes into literal characters', () => {
		expect(markdownToAdf('\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\` \\~~f~~ \\# \\\\ \\q')).toStrictEqual(
			doc(p(t('*a* _b_ [c](d) `e` ~~f~~ # \\ \\q'))),
		);
	});

	it('leaves unterminated markers as literal text', () => {
		// An unclosed <autolink> leaves '<' literal; the URL after it is still a bare link.
		expect(markdownToAdf('**open *half `tick ~~gone [link](nowhere <https://x')).toStrictEqual(
			doc(p(t('**open *half `tick ~~gone [link](nowhere <'), t('https://x', link('https://x')))),
		);
		expect(markdownToAdf('**open *half `tick ~~gone [link](nowhere')).toStrictEqual(
			doc(p(t('**open *half `tick ~~gone [link](nowhere'))),
		);
		expect(markdownToAdf('a * b * c and 2*3')).toStrictEqual(doc(p(t('a * b * c and 2*3'))));
	});

	it('emits no empty text nodes and no schema violations on awkward input', () => {
		const inputs = [
			'',
			'**',
			'****',
			'** **',
			'``',
			'` `',
			'[](https://x.test)',
			'[x]()',
			'- \n-\n  -',
			'>',
			'> \n>',
			'#',
			'# #',
			'| |\n|-|',
			'*a **b*** c',
			'\\\n\\',
			'1.\n2.',
			'- # h\n  > q\n  ---\n  | a |\n  | - |',
			'***\n___\n- - -',
			'[~accountid:x|]',
		];
		for (const input of inputs) {
			expect({ input, problems: schemaProblems(markdownToAdf(input)) }).toEqual({ input, problems: [] });
		}
	});
});

// A comment as Jira Cloud returns it: extra attrs, localIds, media, panels and all.
const jiraComment: AdfDocument = {
	type: 'doc',
	version: 1,
	content: [
		{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Deployment notes' }] },
		{
			type: 'paragraph',
			content: [
				{ type: 'mention', attrs: { id: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', text: '@Jane Doe', accessLevel: '' } },
				{ type: 'text', text: ' rollout of ' },
				{ type: 'text', text: 'v2.4.1', marks: [{ type: 'strong' }] },
				{ type: 'text', text: ' is done ' },
				{ type: 'emoji', attrs: { shortName: ':white_check_mark:', id: '2705', text: '✅' } },
				{ type: 'hardBreak' },
				{ type: 'text', text: 'See the ' },
				{ type: 'text', text: 'runbook', marks: [{ type: 'link', attrs: { href: 'https://wiki.example.com/runbook' } }] },
				{ type: 'text', text: ' and ' },
				{ type: 'inlineCard', attrs: { url: 'https://example.atlassian.net/browse/OPS-42' } },
				{ type: 'text', text: '.' },
			],
		},
		{
			type: 'orderedList',
			attrs: { order: 1 },
			content: [
				{
					type: 'listItem',
					content: [
						{ type: 'paragraph', content: [{ type: 'text', text: 'Drain the workers' }] },
						{
							type: 'bulletList',
							content: [
								{
									type: 'listItem',
									content: [
										{
											type: 'paragraph',
											content: [
												{ type: 'text', text: 'pause ' },
												{ type: 'text', text: 'ingest', marks: [{ type: 'code' }] },
											],
										},
									],
								},
								{
									type: 'listItem',
									content: [
										{
											type: 'paragraph',
											content: [
												{ type: 'emoji', attrs: { shortName: ':warning:', id: '26a0' } },
												{ type: 'text', text: ' wait for *all* jobs' },
											],
										},
									],
								},
							],
						},
					],
				},
				{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Run the migration' }] }] },
			],
		},
		{
			type: 'codeBlock',
			attrs: { language: 'bash' },
			content: [{ type: 'text', text: 'kubectl rollout status deploy/api\n\nkubectl get pods' }],
		},
		{
			type: 'table',
			attrs: { isNumberColumnEnabled: false, layout: 'default', localId: 'a1b2' },
			content: [
				{
					type: 'tableRow',
					content: [
						{ type: 'tableHeader', attrs: {}, content: [p(t('Service', strong))] },
						{ type: 'tableHeader', attrs: {}, content: [p(t('State', strong))] },
					],
				},
				{
					type: 'tableRow',
					content: [
						{ type: 'tableCell', attrs: {}, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'api' }] }] },
						{
							type: 'tableCell',
							attrs: { colwidth: [120] },
							content: [{ type: 'paragraph', content: [{ type: 'status', attrs: { text: 'DONE', color: 'green', localId: 's1' } }] }],
						},
					],
				},
			],
		},
		{
			type: 'mediaSingle',
			attrs: { layout: 'center' },
			content: [{ type: 'media', attrs: { id: 'abc', type: 'file', collection: 'jira' } }],
		},
		{
			type: 'panel',
			attrs: { panelType: 'info' },
			content: [
				{
					type: 'paragraph',
					content: [
						{ type: 'text', text: 'Next window: ' },
						{ type: 'date', attrs: { timestamp: '1735689600000' } },
					],
				},
			],
		},
		{ type: 'someFutureNode', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'unknown wrapper kept' }] }] },
	],
};

describe('adfToText', () => {
	it('renders a realistic Jira comment as readable text', () => {
		expect(adfToText(jiraComment)).toBe(
			[
				'Deployment notes',
				'',
				'@Jane Doe rollout of v2.4.1 is done ✅',
				'See the runbook (https://wiki.example.com/runbook) and https://example.atlassian.net/browse/OPS-42.',
				'',
				'1. Drain the workers',
				'  - pause ingest',
				'  - :warning: wait for *all* jobs',
				'2. Run the migration',
				'',
				'kubectl rollout status deploy/api',
				'',
				'kubectl get pods',
				'',
				'Service | State',
				'api | DONE',
				'',
				'Next window: 2025-01-01',
				'',
				'unknown wrapper kept',
			].join('\n'),
		);
	});

	it('falls back to @id for mentions, keeps link text equal to its URL once, and joins link runs', () => {
		const input = doc(
			p(
				{ type: 'mention', attrs: { id: 'abc' } },
				t(' '),
				t('https://x.test', link('https://x.test')),
				t(' '),
				t('two ', link('https://y.test')),
				t('parts', strong, link('https://y.test')),
			),
		);
		expect(adfToText(input)).toBe('@abc https://x.test two parts (https://y.test)');
	});

	it('indents nested lists by two spaces per level and numbers from attrs.order', () => {
		const input = doc(
			{
				type: 'orderedList',
				attrs: { order: 4 },
				content: [li(p(t('four'), br, t('more')), ul(li(p(t('deep')), ul(li(p(t('deeper'))))))), li(p(t('five')))],
			},
		);
		expect(adfToText(input)).toBe('4. four\n  more\n  - deep\n    - deeper\n5. five');
	});

	it('collapses blank lines, trims trailing whitespace and handles empty input', () => {
		expect(adfToText(doc(p(t('a   ')), p(), p(), { type: 'blockquote', content: [p(t('b'))] }))).toBe('a\n\nb');
		expect(adfToText(null)).toBe('');
		expect(adfToText(undefined)).toBe('');
		expect(adfToText(doc())).toBe('');
	});

	it('accepts a JSON string of a document and passes other strings through', () => {
		expect(adfToText(JSON.stringify(doc(p(t('from json')))))).toBe('from json');
		expect(adfToText('already plain')).toBe('already plain');
	});
});

describe('adfToMarkdown', () => {
	it('renders a realistic Jira comment as markdown', () => {
		expect(adfToMarkdown(jiraComment)).toBe(
			[
				'## Deployment notes',
				'',
				'[~accountid:557058:f58131cb-b67d-43c7-b30d-6b58d40bd077|Jane Doe] rollout of **v2.4.1** is done ✅',
				'See the [runbook](https://wiki.example.com/runbook) and <https://example.atlassian.net/browse/OPS-42>.',
				'',
				'1. Drain the workers',
				'   - pause `ingest`',
				'   - :warning: wait for \\*all\\* jobs',
				'2. Run the migration',
				'',
				'```bash',
				'kubectl rollout status deploy/api',
				'',
				'kubectl get pods',
				'```',
				'',
				'| **Service** | **State** |',
				'| --- | --- |',
				'| api | DONE |',
				'',
				'> Next window: 2025-01-01',
				'',
				'unknown wrapper kept',
			].join('\n'),
		);
	});

	it('writes plain mentions as [~accountid:<id>]', () => {
		const mention = { type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5', text: '@5b10ac8d82e05b22cc7d4ef5' } };
		expect(adfToMarkdown(doc(p(mention, { type: 'mention', attrs: { id: 'xyz' } })))).toBe(
			'[~accountid:5b10ac8d82e05b22cc7d4ef5][~accountid:xyz]',
		);
	});

	it('escapes text that would otherwise read as markdown', () => {
		const input = doc(p(t('# not heading'), br, t('- not list'), br, t('2. not ordered'), br, t('*x* [y] `z` https://u.test')));
		const markdown = adfToMarkdown(input);
		expect(markdown).toBe('\\# not heading\n\\- not list\n2\\. not ordered\n\\*x\\* \\[y\\] \\`z\\` https\\://u.test');
		expect(markdownToAdf(markdown)).toStrictEqual(input);
	});

	it('moves spaces outside emphasis and keeps repeated hard breaks', () => {
		const input = doc(p(t('a'), t(' bold ', strong), t('b'), br, br, t('c')));
		expect(adfToMarkdown(input)).toBe('a **bold** b\n\\\nc');
		expect(markdownToAdf(adfToMarkdown(input))).toStrictEqual(doc(p(t('a '), t('bold', strong), t(' b'), br, br, t('c'))));
	});

	it('keeps adjacent lists of the same type apart', () => {
		const input = doc(ul(li(p(t('a')))), ul(li(p(t('b')))), ol(li(p(t('c')))), ol(li(p(t('d')))));
		expect(adfToMarkdown(input)).toBe('- a\n\n* b\n\n1. c\n\n1) d');
		expect(markdownToAdf(adfToMarkdown(input))).toStrictEqual(input);
	});

	it('merges equally formatted neighbours so code spans do not fuse', () => {
		expect(adfToMarkdown(doc(p(t('npm ', code), t('test', code), t(' and '), t('a', strong), t('b', strong))))).toBe(
			'`npm test` and **ab**',
		);
	});

	it('escapes link destinations with unbalanced parentheses and keeps balanced ones', () => {
		const input = doc(p(t('a', link('https://x.test/a)b')), t(' '), t('c', link('https://x.test/(c)'))));
		expect(adfToMarkdown(input)).toBe('[a](https://x.test/a\\)b) [c](https://x.test/(c))');
		expect(markdownToAdf(adfToMarkdown(input))).toStrictEqual(input);
	});

	it('renders task lists as checkbox items', () => {
		const tasks = {
			type: 'taskList',
			attrs: { localId: 'l1' },
			content: [
				{ type: 'taskItem', attrs: { localId: 't1', state: 'DONE' }, content: [t('ship it')] },
				{
					type: 'taskItem',
					attrs: { localId: 't2', state: 'TODO' },
					content: [t('tell '), { type: 'mention', attrs: { id: 'u1', text: '@Sam' } }],
				},
			],
		};
		expect(adfToMarkdown(doc(tasks))).toBe('- [x] ship it\n- [ ] tell [~accountid:u1|Sam]');
		expect(adfToText(doc(tasks))).toBe('- [x] ship it\n- [ ] tell @Sam');
	});

	it('returns an empty string for null and undefined', () => {
		expect(adfToMarkdown(null)).toBe('');
		expect(adfToMarkdown(undefined)).toBe('');
	});
});

describe('markdown round trip', () => {
	const corpus = [
		'Plain paragraph with **bold**, *italic*, `code` and ~~strike~~.',
		'# Title\n\n## Subtitle\n\nBody text.',
		'First line\nsecond line\n\nNext paragraph.',
		'- one\n- two\n  - two.a\n  - two.b\n- three',
		'3. three\n4. four\n5. five',
		'1. step\n   - detail\n     1. sub-step\n2. next',
		'```ts\nconst x = 1;\n\nconsole.log(x);\n```',
		'> Quoted text\n> across lines\n>\n> Second quoted paragraph',
		'Before\n\n---\n\nAfter',
		'| Key | Value |\n| --- | --- |\n| a | 1 |\n| b \\| c | `x` |',
		'Ping [~accountid:5b10ac8d82e05b22cc7d4ef5] and [~accountid:557058:abc-123|Jane Doe].',
		'See [the docs](https://example.com/docs?a=1&b=2) or <https://example.com>.',
		'Literal \\*stars\\*, \\[brackets\\], \\`ticks\\` and snake_case stay put.',
		'***bold italic*** and **bold with *nested italic* inside**',
		'- item with code:\n\n  ```\n  npm test\n  ```\n- second',
		'1. a\n\n   continued paragraph\n2. b',
		'\\# not a heading\n\\- not a list\n1\\. not ordered',
	];

	it.each(corpus)('md -> adf -> md reproduces %j', (markdown) => {
		const adf = markdownToAdf(markdown);
		expect(schemaProblems(adf)).toEqual([]);
		expect(adfToMarkdown(adf)).toBe(markdown);
		expect(markdownToAdf(adfToMarkdown(adf))).toStrictEqual(adf);
	});

	it('normalises equivalent markdown to one spelling, and that spelling is stable', () => {
		const cases: Array<[string, string]> = [
			['* a\n* b', '- a\n- b'],
			['__b__ and _i_', '**b** and *i*'],
			['1) x\n1) y', '1. x\n2. y'],
			['## Title ##', '## Title'],
			['Visit https://x.test/a.', 'Visit <https://x.test/a>.'],
			['~~~python\nprint(1)\n~~~', '```python\nprint(1)\n```'],
			['***', '---'],
		];
		for (const [input, normal] of cases) {
			expect(adfToMarkdown(markdownToAdf(input))).toBe(normal);
			expect(adfToMarkdown(markdownToAdf(normal))).toBe(normal);
		}
	});

	it('round-trips the Jira comment through markdown without losing its structure', () => {
		const once = markdownToAdf(adfToMarkdown(jiraComment));
		expect(schemaProblems(once)).toEqual([]);
		expect(adfToMarkdown(once)).toBe(adfToMarkdown(jiraComment));
	});
});

describe('isAdfDocument', () => {
	it('accepts documents and rejects look-alikes', () => {
		expect(isAdfDocument(doc(p(t('x'))))).toBe(true);
		expect(isAdfDocument(doc())).toBe(true);
		expect(isAdfDocument({ type: 'doc', version: 2, content: [] })).toBe(false);
		expect(isAdfDocument({ type: 'doc', version: 1 })).toBe(false);
		expect(isAdfDocument({ type: 'doc', version: 1, content: [{ text: 'no type' }] })).toBe(false);
		expect(isAdfDocument({ type: 'doc', version: 1, content: [{ type: 'text', text: 5 }] })).toBe(false);
		expect(isAdfDocument(p(t('x')))).toBe(false);
		expect(isAdfDocument('{"type":"doc","version":1,"content":[]}')).toBe(false);
		expect(isAdfDocument(null)).toBe(false);
	});
});

describe('toAdf', () => {
	it('converts text and markdown', () => {
		expect(toAdf('a\nb', 'text')).toStrictEqual(doc(p(t('a'), br, t('b'))));
		expect(toAdf('**a**', 'markdown')).toStrictEqual(doc(p(t('a', strong))));
		expect(toAdf(42, 'text')).toStrictEqual(doc(p(t('42'))));
		expect(toAdf(null, 'text')).toStrictEqual(doc());
		expect(toAdf(undefined, 'markdown')).toStrictEqual(doc());
	});

	it('accepts an ADF object unchanged or a JSON string of one', () => {
		const input = doc(p(t('x')));
		expect(toAdf(input, 'adf')).toBe(input);
		expect(toAdf(JSON.stringify(input), 'adf')).toStrictEqual(input);
	});

	const expected = 'is not an Atlassian Document Format document: expected {"type":"doc","version":1,"content":[...]}';

	it.each([
		['a paragraph node', { type: 'paragraph', content: [] }],
		['the wrong version', { type: 'doc', version: 2, content: [] }],
		['missing content', { type: 'doc', version: 1 }],
		['invalid JSON', '{"type":"doc",'],
		['a JSON string of plain text', '"hello"'],
		['plain text', 'hello'],
		['null', null],
		['a number', 42],
		['an array', [doc()]],
	])('throws a plain Error for %s', (_label, value) => {
		let caught: unknown;
		try {
			toAdf(value, 'adf');
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(Error);
		expect((caught as Error).constructor).toBe(Error);
		expect((caught as Error).message).toContain(expected);
	});

	it('says what it found', () => {
		expect(() => toAdf('{oops', 'adf')).toThrow(/^The text \(not valid JSON: .+\) is not an Atlassian Document Format document/);
		expect(() => toAdf({ type: 'paragraph' }, 'adf')).toThrow('The value (a node of type "paragraph") is not an Atlassian');
	});
});

describe('fromAdf', () => {
	it('dispatches on the format', () => {
		const input = doc(p(t('hi', strong)));
		expect(fromAdf(input, 'text')).toBe('hi');
		expect(fromAdf(input, 'markdown')).toBe('**hi**');
		expect(fromAdf(input, 'adf')).toBe(input);
	});

	it('gives an empty string for missing bodies in text formats', () => {
		expect(fromAdf(null, 'text')).toBe('');
		expect(fromAdf(undefined, 'markdown')).toBe('');
	});
});
