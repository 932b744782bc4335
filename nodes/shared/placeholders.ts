/**
 * `:name` placeholders in a query language (JQL, EQL): replaced outside string literals by the
 * rendered value of that name. One scanner for both languages, so they agree on what a placeholder
 * is, that only names given as values count (not an object's prototype), and how a bad value is named.
 */
export interface PlaceholderLanguage {
	/** The language, as errors name it: `JQL`, `EQL`. */
	name: string;
	/** The text, as errors name it: `The JQL`, `The EQL filter`. */
	text: string;
	/** Where the literal opening at `start` ends (just past its closing quote), -1 when it never closes; undefined when none opens there. */
	literalEnd(text: string, start: number): number | undefined;
	/** A character right before `:` that makes it part of something else (`a:b`, `x]:y`), not a placeholder. */
	notAfter: RegExp;
	/** The value as a literal of the language; throws `ValueError` for a value it cannot take. */
	render(value: unknown): string;
	ValueError: new (message: string) => Error;
}

const PLACEHOLDER = /^:([A-Za-z_][A-Za-z0-9_]*)/;

/** Unknown placeholders are an error: a typo would otherwise be sent as query text. */
export function bindPlaceholders(text: string, values: Record<string, unknown>, language: PlaceholderLanguage): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const end = language.literalEnd(text, i);
		if (end !== undefined) {
			if (end < 0) throw new language.ValueError(`${language.text} has an unclosed quote: ${text}`);
			out += text.slice(i, end);
			i = end;
			continue;
		}
		const match = text[i] === ':' ? PLACEHOLDER.exec(text.slice(i)) : null;
		if (match && !language.notAfter.test(text[i - 1] ?? '')) {
			const name = match[1];
			if (!Object.prototype.hasOwnProperty.call(values, name)) {
				throw new language.ValueError(`${language.text} uses :${name}, but no ${language.name} value named "${name}" is defined`);
			}
			let failure: unknown;
			try {
				out += language.render(values[name]);
			} catch (error) {
				failure = error;
			}
			// Name the value: the text may use several.
			if (failure instanceof language.ValueError) throw new language.ValueError(`${language.name} value :${name}: ${failure.message}`);
			if (failure) throw failure;
			i += match[0].length;
			continue;
		}
		out += text[i];
		i++;
	}
	return out;
}
