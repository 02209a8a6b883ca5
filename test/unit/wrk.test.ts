import { describe, expect, it } from 'vitest';
import { median, parseWrk } from '../../bench/wrk.js';

const SAMPLE = `Running 3s test @ http://nginx:80/static/css/site.0123456789ab.css
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.23ms  500.00us  10.00ms   90.00%
    Req/Sec    12.34k     1.23k   15.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.40ms
     90%    1.80ms
     99%    3.20ms
  73800 requests in 3.00s, 1.50GB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:  24600.12
Transfer/sec:    500.00MB
`;

describe('parseWrk', () => {
  it('reads throughput, percentiles in any unit, and failures', () => {
    expect(parseWrk(SAMPLE)).toEqual({ requestsPerSecond: 24600.12, p50ms: 0.85, p99ms: 3.2, requests: 73800, non2xx: 12, errors: 3 });
  });
  it('refuses output without a result', () => {
    expect(() => parseWrk('unable to connect to nginx:80 Connection refused')).toThrow(/wrk printed no result/);
  });
  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
