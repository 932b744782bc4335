/** multipart/form-data parsing for file uploads (no dependency for one endpoint). */

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
	const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
	return match ? (match[1] ?? match[2]).trim() : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: MultipartPart[] = [];
	let position = body.indexOf(delimiter);
	while (position >= 0) {
		const start = position + delimiter.length;
		// "--" after a delimiter ends the body.
		if (body.subarray(start, start + 2).toString() === '--') break;
		const next = body.indexOf(delimiter, start);
		if (next < 0) break;
		let part = body.subarray(start, next);
		if (part.subarray(0, 2).toString() === '\r\n') part = part.subarray(2);
		if (part.subarray(part.length - 2).toString() === '\r\n') part = part.subarray(0, part.length - 2);
		const split = part.indexOf('\r\n\r\n');
		if (split >= 0) {
			const headers = part.subarray(0, split).toString('utf8');
			const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
			const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
			const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
			const contentType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim();
			if (name !== undefined) parts.push({ name, filename, contentType, data: Buffer.from(part.subarray(split + 4)) });
		}
		position = next;
	}
	return parts;
}
