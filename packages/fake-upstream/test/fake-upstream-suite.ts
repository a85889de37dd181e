import {
  DEFAULT_KNOBS,
  startFakeUpstream,
  type FakeUpstreamOptions,
  type RunningFakeUpstream,
} from '../src/index.js';

/** The system prompt the chat API suites send. */
export const persona = 'You are Gaia, a terse guide.';
/** The user message the chat API suites send; the fake echoes it at the start of every reply. */
export const question = 'Where is the nearest portal?';

/**
 * Runs one fake upstream for the current suite: started before it (then handed to `started`), knobs put
 * back to their defaults after each test, closed after the suite.
 * @example let fake: RunningFakeUpstream; useFakeUpstream({ openai: { models: ['gpt-4o-mini'] } }, (started) => (fake = started));
 */
export function useFakeUpstream(
  options: FakeUpstreamOptions,
  started: (fake: RunningFakeUpstream) => void,
): void {
  let fake: RunningFakeUpstream;

  before(async () => {
    fake = await startFakeUpstream(options);
    started(fake);
  });

  afterEach(() => {
    Object.assign(fake.state.knobs, DEFAULT_KNOBS);
  });

  after(() => fake.close());
}
