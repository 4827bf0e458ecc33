import { describe, expect, it } from 'vitest';
import { splitCsvRecord } from './csv-record.js';

describe('splitCsvRecord', () => {
  it('splits quoted records (RFC 4180)', () => {
    expect(splitCsvRecord('a,"b,c",d', ',')).toEqual(['a', 'b,c', 'd']);
    expect(splitCsvRecord('"say ""hi""",2', ',')).toEqual(['say "hi"', '2']);
    expect(splitCsvRecord('"open,1', ',')).toBeUndefined();
    expect(splitCsvRecord('ham\tsay "hi\t"', '\t', false)).toEqual(['ham', 'say "hi', '"']);
  });

  it('reads back the cells the CSV logger writes (quotes, commas, empty cells)', () => {
    expect(splitCsvRecord('epoch,"a,b","say ""x""",', ',')).toEqual(['epoch', 'a,b', 'say "x"', '']);
  });
});
