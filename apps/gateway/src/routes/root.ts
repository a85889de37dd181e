import { parseInput } from '@gaia/platform';
import express, { type IRouter } from 'express';
import { add, calculatorBody } from '../legacy/calculator.js';

const banner = {
  message: 'Gaia Platform Gateway',
  versions: {
    'v0.2': '/api/v0.2 (recommended - unified streaming API)',
    v1: '/api/v1 (original endpoints)',
    legacy: '/ (will be deprecated)',
  },
  note: 'Use v0.2 for the latest OpenAI/Anthropic compatible streaming API.',
};

/**
 * Group `root`: the banner and the legacy calculator, answered by the gateway itself.
 * @example rootRoutes(app, { bodyLimitBytes: config.BODY_LIMIT_BYTES });
 */
export function rootRoutes(router: IRouter, { bodyLimitBytes }: { bodyLimitBytes: number }): void {
  router.get('/', (_req, res) => void res.json(banner));
  router.post('/calculator/add', express.json({ limit: bodyLimitBytes }), (req, res) => {
    const { a, b } = parseInput(calculatorBody, req.body ?? {});
    res.json({ result: add(a, b) });
  });
}
