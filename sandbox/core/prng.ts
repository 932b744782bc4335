/**
 * A small seeded PRNG (mulberry32): seed data must be the same on every machine and every run, so
 * that tests and benchmarks can count on it. Math.random is never used for data.
 */
export class Prng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0 || 0x9e3779b9;
	}

	/** A float in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** An integer in [min, max] (both inclusive). */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}

	/** Distinct items, in random order. */
	sample<T>(items: readonly T[], count: number): T[] {
		const copy = items.slice();
		const n = Math.min(count, copy.length);
		for (let i = 0; i < n; i++) {
			const j = i + Math.floor(this.next() * (copy.length - i));
			[copy[i], copy[j]] = [copy[j], copy[i]];
		}
		return copy.slice(0, n);
	}

	/** Lower-case hex digits. */
	hex(length: number): string {
		let out = '';
		while (out.length < length) out += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
		return out.slice(0, length);
	}

	/** A random (v4-shaped) UUID drawn from this generator. */
	uuid(): string {
		const h = this.hex(32);
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
	}
}

export const FIRST_NAMES = [
	'Aino', 'Anna', 'Antti', 'Ben', 'Carla', 'Chen', 'Daniel', 'Diego', 'Elif', 'Emma', 'Erik', 'Fatima', 'Felix', 'Greta',
	'Hannah', 'Henrik', 'Ida', 'Ingrid', 'Jan', 'Johanna', 'Jonas', 'Julia', 'Kai', 'Karin', 'Lars', 'Laura', 'Leo', 'Lina',
	'Lukas', 'Maria', 'Markus', 'Mia', 'Mikko', 'Nina', 'Noah', 'Olivia', 'Oskar', 'Paula', 'Pekka', 'Priya', 'Rafael',
	'Sara', 'Sofia', 'Stefan', 'Tiina', 'Tom', 'Ulla', 'Ville', 'Yusuf', 'Zoe',
];

export const LAST_NAMES = [
	'Andersson', 'Becker', 'Berg', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Hakala', 'Hansen', 'Heikkinen',
	'Hoffmann', 'Jensen', 'Johansson', 'Kaya', 'Koch', 'Korhonen', 'Laine', 'Larsen', 'Lehtonen', 'Lindqvist', 'Mäkinen',
	'Meyer', 'Müller', 'Nguyen', 'Nieminen', 'Nilsson', "O'Brien", 'Olsen', 'Patel', 'Rossi', 'Schmidt', 'Schneider',
	'Silva', 'Smith', 'Svensson', 'Virtanen', 'Wagner', 'Weber', 'Wilson',
];

/** ASCII form of a name for email local parts: "Mäkinen" -> "makinen", "O'Brien" -> "obrien". */
export function asciiSlug(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '');
}
