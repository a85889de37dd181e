import http from 'node:http';
import { expect } from 'chai';
import { replyTokens, startFakeUpstream, type RunningFakeUpstream } from '../src/index.js';

const STREAMS = 1000;
const ttftMs = 20;
const gapMs = 20;
const tokens = 20;

interface StreamResult {
  status: number;
  contents: string[];
  /** Ms from sending the request to the last token. */
  lastTokenAfter: number;
}

/** One raw SSE chat stream; parses `data:` lines without an SDK so 1000 of them stay cheap. */
function openStream(url: URL, agent: http.Agent, prompt: string): Promise<StreamResult> {
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    stream: true,
    messages: [{ role: 'user', content: prompt }],
  });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer k',
          'content-length': body.length,
        },
      },
      (response) => {
        const result: StreamResult = { status: response.statusCode!, contents: [], lastTokenAfter: 0 };
        let buffered = '';
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          buffered += text;
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const data = buffered.slice('data: '.length, end);
            buffered = buffered.slice(end + 2);
            if (data === '[DONE]') continue;
            const content = (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]
              ?.delta.content;
            if (content) {
              result.contents.push(content);
              result.lastTokenAfter = performance.now() - started;
            }
          }
        });
        response.on('end', () => resolve(result));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('fake-upstream under 1000 concurrent streams', () => {
  let fake: RunningFakeUpstream;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

  before(async () => {
    fake = await startFakeUpstream({ ttftMs, gapMs, tokens });
  });

  after(async () => {
    agent.destroy();
    await fake.close();
  });

  it('completes every stream with all its tokens, in order and never ahead of schedule', async function () {
    this.timeout(60_000);
    const url = new URL('/v1/chat/completions', fake.url);
    const results = await Promise.all(
      Array.from({ length: STREAMS }, (_, index) => openStream(url, agent, `stream ${index}`)),
    );

    results.forEach((result, index) => {
      expect(result.status).to.equal(200);
      expect(result.contents).to.deep.equal(replyTokens(`stream ${index}`, tokens));
      expect(result.lastTokenAfter).to.be.at.least(ttftMs + (tokens - 1) * gapMs);
    });
    expect(fake.state.openai.requests).to.have.length(STREAMS);
    expect(fake.state.openai.clientDisconnects).to.equal(0);
  });
});
