import { ConfigError } from '@gaia/platform';
import { expect } from 'chai';
import { loadGatewayConfig } from '../src/index.js';
import { INTERNAL_SECRET } from './support.js';

describe('gateway configuration', () => {
  it('has the documented defaults, with every service undeployed', () => {
    const config = loadGatewayConfig({ INTERNAL_AUTH_SECRET: INTERNAL_SECRET });
    expect(config).to.include({
      PORT: 8666,
      KEY_CACHE_TTL_SECONDS: 60,
      HEALTH_CHECK_TIMEOUT_MS: 2000,
      UPSTREAM_TIMEOUT_MS: 300_000,
    });
    expect([config.AUTH_SERVICE_URL, config.CHAT_SERVICE_URL, config.ASSET_SERVICE_URL]).to.deep.equal([
      undefined,
      undefined,
      undefined,
    ]);
    expect(config.ALLOWED_ORIGINS).to.deep.equal([
      'http://localhost:8666',
      'http://localhost:3000',
      'http://localhost:8080',
    ]);
  });

  it('reads comma-separated origins and service URLs', () => {
    const config = loadGatewayConfig({
      INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      CHAT_SERVICE_URL: 'http://chat:8003',
    });
    expect(config.ALLOWED_ORIGINS).to.deep.equal(['https://a.example', 'https://b.example']);
    expect(config.CHAT_SERVICE_URL).to.equal('http://chat:8003');
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        CHAT_SERVICE_URL: 'chat:8003',
        KEY_CACHE_TTL_SECONDS: '0',
        UPSTREAM_TIMEOUT_MS: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(names).to.have.members([
      'INTERNAL_AUTH_SECRET',
      'CHAT_SERVICE_URL',
      'KEY_CACHE_TTL_SECONDS',
      'UPSTREAM_TIMEOUT_MS',
    ]);
  });
});
