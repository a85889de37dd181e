import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Response } from 'express';
import type { RequestKnobs, StreamFault } from '../src/knobs.js';
import { paceReply, TOKENS_BEFORE_STREAM_FAULT, type ReplyWriter } from '../src/token-pacer.js';
import { eventually } from './chat-helpers.js';

/** Just what the pacer touches of an express response. */
class FakeResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  resets = 0;
  readonly socket = {
    resetAndDestroy: () => {
      this.resets += 1;
      this.clientCloses();
    },
  };

  clientCloses(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function knobs(values: Partial<RequestKnobs> & { fault?: StreamFault }): RequestKnobs {
  const fault = values.fault ?? 'none';
  return { ttftMs: 0, tokens: 0, gapMs: 0, ...values, takeStreamFault: () => fault };
}

/** A writer logging what the pacer released, with the ms since `started`. */
function recordingWriter(res: FakeResponse) {
  const started = performance.now();
  const log: { event: string; at: number }[] = [];
  const at = () => performance.now() - started;
  const writer: ReplyWriter = {
    begin: () => log.push({ event: 'begin', at: at() }),
    token: (text) => log.push({ event: text, at: at() }),
    end: () => {
      log.push({ event: 'end', at: at() });
      res.writableEnded = true;
      res.emit('close');
    },
    fail: () => {
      log.push({ event: 'fail', at: at() });
      res.writableEnded = true;
      res.emit('close');
    },
  };
  return { log, writer };
}

describe('paceReply', () => {
  const words = ['a', ' b', ' c', ' d', ' e', ' f'];

  function pace(
    res: FakeResponse,
    tokens: readonly string[],
    requestKnobs: RequestKnobs,
    writer: ReplyWriter,
  ) {
    const disconnects = { count: 0 };
    paceReply({
      res: res as unknown as Response,
      tokens,
      knobs: requestKnobs,
      writer,
      onClientDisconnect: () => (disconnects.count += 1),
    });
    return disconnects;
  }

  it('begins with the first token after ttftMs, spaces tokens by gapMs and ends with the last', async () => {
    const res = new FakeResponse();
    const { log, writer } = recordingWriter(res);
    const disconnects = pace(res, words, knobs({ ttftMs: 40, gapMs: 15 }), writer);
    await eventually(() => res.writableEnded);

    expect(log.map((entry) => entry.event)).to.deep.equal(['begin', ...words, 'end']);
    words.forEach((word, index) => {
      expect(log.find((entry) => entry.event === word)!.at, word).to.be.at.least(40 + index * 15);
    });
    expect(disconnects.count).to.equal(0);
  });

  it('begins and ends an empty reply after ttftMs', async () => {
    const res = new FakeResponse();
    const { log, writer } = recordingWriter(res);
    pace(res, [], knobs({ ttftMs: 30 }), writer);
    await eventually(() => res.writableEnded);

    expect(log.map((entry) => entry.event)).to.deep.equal(['begin', 'end']);
    expect(log[0]!.at).to.be.at.least(30);
  });

  it('stops releasing and reports the disconnect when the client closes mid-reply', async () => {
    const res = new FakeResponse();
    const { log, writer } = recordingWriter(res);
    const disconnects = pace(res, words, knobs({ gapMs: 20 }), writer);
    await eventually(() => log.length >= 3);
    res.clientCloses();
    const releasedAtClose = log.length;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(log).to.have.length(releasedAtClose);
    expect(disconnects.count).to.equal(1);
  });

  it('reports a client already gone, releasing nothing', async () => {
    const res = new FakeResponse();
    res.destroyed = true;
    const { log, writer } = recordingWriter(res);
    const disconnects = pace(res, words, knobs({}), writer);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(log).to.deep.equal([]);
    expect(disconnects.count).to.equal(1);
  });

  it('stalls after the first tokens, keeping the response open until the client leaves', async () => {
    const res = new FakeResponse();
    const { log, writer } = recordingWriter(res);
    const disconnects = pace(res, words, knobs({ fault: 'stall', gapMs: 5 }), writer);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(log.map((entry) => entry.event)).to.deep.equal([
      'begin',
      ...words.slice(0, TOKENS_BEFORE_STREAM_FAULT),
    ]);
    expect(res.resets).to.equal(0);
    res.clientCloses();
    expect(disconnects.count).to.equal(1);
  });

  it('resets the connection after the first tokens, which is not a client disconnect', async () => {
    const res = new FakeResponse();
    const { log, writer } = recordingWriter(res);
    const disconnects = pace(res, words, knobs({ fault: 'reset-mid-stream' }), writer);
    await eventually(() => res.resets === 1);

    expect(log.map((entry) => entry.event)).to.deep.equal([
      'begin',
      ...words.slice(0, TOKENS_BEFORE_STREAM_FAULT),
    ]);
    expect(disconnects.count).to.equal(0);
  });

  it('reports an error instead of ending after the first tokens under error-mid-stream', async () => {
    const res = new FakeResponse();
    const { log, writer } = recordingWriter(res);
    const disconnects = pace(res, words, knobs({ fault: 'error-mid-stream' }), writer);
    await eventually(() => log.at(-1)?.event === 'fail');

    expect(log.map((entry) => entry.event)).to.deep.equal([
      'begin',
      ...words.slice(0, TOKENS_BEFORE_STREAM_FAULT),
      'fail',
    ]);
    expect(disconnects.count).to.equal(0);
  });

  it('releases a large backlog in bounded batches, yielding to the event loop in between', async () => {
    const res = new FakeResponse();
    const tokens = Array.from({ length: 5000 }, (_, index) => ` w${index}`);
    const batches: number[] = [];
    let batch = 0;
    const released: string[] = [];
    const writer: ReplyWriter = {
      token: (text) => {
        released.push(text);
        if (batch === 0) {
          setImmediate(() => {
            batches.push(batch);
            batch = 0;
          });
        }
        batch += 1;
      },
      end: () => {
        res.writableEnded = true;
      },
      fail: () => expect.fail('no fault was set'),
    };
    pace(res, tokens, knobs({}), writer);
    await eventually(() => res.writableEnded);
    await new Promise(setImmediate);

    expect(released).to.deep.equal(tokens);
    expect(batches).to.have.length(Math.ceil(5000 / 256));
    expect(Math.max(...batches)).to.equal(256);
  });
});
