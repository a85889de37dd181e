import { expect } from 'chai';
import { sseDecoder } from '../src/providers/sse-decoder.js';

describe('sseDecoder', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('returns each event once the read that completes it arrives, with its name', () => {
    const decode = sseDecoder();
    expect(decode(bytes('event: message_start\ndata: {"a":1}\n'))).to.deep.equal([]);
    expect(decode(bytes('\ndata: [DONE]\n\n'))).to.deep.equal([
      { id: undefined, event: 'message_start', data: '{"a":1}' },
      { id: undefined, event: undefined, data: '[DONE]' },
    ]);
  });

  it('keeps a multi-byte character split between two reads whole', () => {
    const decode = sseDecoder();
    const encoded = bytes('data: “hé”\r\n\r\n');
    expect(decode(encoded.subarray(0, 8))).to.deep.equal([]);
    expect(decode(encoded.subarray(8)).map((event) => event.data)).to.deep.equal(['“hé”']);
  });
});
