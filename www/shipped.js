// The finished results that ship with Adaptation Lab (www/results/, made by scripts/precompute.sh)
// for the slow paper presets: a results file fetched on demand, outside the first load, and
// unpacked into the arrays `Lab.take_shipped` takes. Rust checks them against the preset.
const NON_FINITE = { NaN: Number.NaN, inf: Number.POSITIVE_INFINITY, '-inf': Number.NEGATIVE_INFINITY };

function number(value, file) {
  if (typeof value === 'number') return value;
  if (Object.hasOwn(NON_FINITE, value)) return NON_FINITE[value];
  throw new Error(`${file} holds ${JSON.stringify(value)} where a number belongs`);
}

function count(value, file) {
  if (Number.isSafeInteger(value) && value >= 0 && value < 2 ** 32) return value;
  throw new Error(`${file} holds ${JSON.stringify(value)} where a count or a job's position belongs`);
}

// The arguments of `Lab.take_shipped` for results file `file`; an error says why it cannot be read.
export async function fetchShipped(file) {
  if (location.protocol === 'file:') throw new Error('a page opened from a file cannot load them');
  const response = await fetch(new URL(`./results/${file}`, import.meta.url));
  if (!response.ok) throw new Error(`${file} did not load (${response.status})`);
  const data = await response.json();
  if (!Array.isArray(data.results) || !Array.isArray(data.shard)) throw new Error(`${file} is not a results file`);
  const [positions, lengths, numbers] = [[], [], []];
  for (const entry of data.results) {
    if (!Array.isArray(entry) || !Array.isArray(entry[1])) throw new Error(`${file} is not a results file`);
    positions.push(count(entry[0], file));
    lengths.push(entry[1].length);
    for (const value of entry[1]) numbers.push(number(value, file));
  }
  return [String(data.fragment), String(data.code_version), count(data.jobs, file), Uint32Array.from(data.shard, (n) => count(n, file)),
    Uint32Array.from(positions), Uint32Array.from(lengths), Float64Array.from(numbers)];
}
