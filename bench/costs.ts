/**
 * What each flow costs, from the units the write-heat run measured and AWS's on-demand prices, and
 * what a month costs at 10k / 100k / 1M monthly active users under stated assumptions.
 */
import type { FlowName } from './mixed-workload';

/**
 * AWS's published on-demand prices, us-east-1: DynamoDB as since its 1 November 2024 price change,
 * Lambda x86 and HTTP API as published at the same time (docs/production.md, "What it costs", uses the
 * same). Written down on PRICES.date; check the price pages before you budget.
 */
export const PRICES = {
  date: '2026-12-02',
  region: 'us-east-1',
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
} as const;

/** Operations per monthly active user per month (the production guide's 4 logins and 120 refreshes). */
export const MONTHLY_MIX: { flow: FlowName; perUser: number }[] = [
  { flow: 'register (email/password)', perUser: 0.1 },
  { flow: 'email/password first login', perUser: 0.1 },
  { flow: 'email/password returning login', perUser: 4 },
  { flow: 'refresh', perUser: 120 },
  { flow: 'logout', perUser: 1 },
];
export const MONTHLY_ASSUMPTION =
  'each monthly active user: 4 email/password logins and 120 refreshes (30-minute access tokens) and 1 logout a month; 10% of them new that month (a registration and a first login)';
export const MONTHLY_USERS = [10_000, 100_000, 1_000_000];

export interface FlowCost {
  flow: FlowName;
  /** Per operation: write units (table + indexes), read units, Lambda ms at memory MB. */
  writeUnits: number;
  readUnits: number;
  lambdaMs: number;
  memoryMb: number;
  /** Dollars per 1,000 operations: DynamoDB, Lambda (duration + request), HTTP API, all. */
  dynamoPer1000: number;
  lambdaPer1000: number;
  apiPer1000: number;
  totalPer1000: number;
}

export function flowCost(flow: FlowName, perOp: { writeUnits: number; readUnits: number; lambdaMs: number; memoryMb: number }): FlowCost {
  const dynamo = (perOp.writeUnits * PRICES.dynamoWritePerMillion + perOp.readUnits * PRICES.dynamoReadPerMillion) / 1e6;
  // Lambda bills each millisecond; rounded up per call.
  const lambda = (Math.ceil(perOp.lambdaMs) / 1000) * (perOp.memoryMb / 1024) * PRICES.lambdaPerGbSecond + PRICES.lambdaPerMillionRequests / 1e6;
  const api = PRICES.httpApiPerMillionRequests / 1e6;
  return { flow, ...perOp, dynamoPer1000: dynamo * 1000, lambdaPer1000: lambda * 1000, apiPer1000: api * 1000, totalPer1000: (dynamo + lambda + api) * 1000 };
}

export interface MonthCost {
  users: number;
  operations: number;
  dynamo: number;
  lambda: number;
  api: number;
  total: number;
}

export function monthlyCosts(costs: FlowCost[]): MonthCost[] {
  return MONTHLY_USERS.map((users) => {
    const month = { users, operations: 0, dynamo: 0, lambda: 0, api: 0, total: 0 };
    for (const { flow, perUser } of MONTHLY_MIX) {
      const c = costs.find((x) => x.flow === flow);
      if (!c) continue;
      const n = users * perUser;
      month.operations += n;
      month.dynamo += (n / 1000) * c.dynamoPer1000;
      month.lambda += (n / 1000) * c.lambdaPer1000;
      month.api += (n / 1000) * c.apiPer1000;
    }
    month.total = month.dynamo + month.lambda + month.api;
    return month;
  });
}

/**
 * What the same monthly active users cost on Cognito and Firebase Auth, from their published per-MAU
 * prices (written down on PRICES.date; graduated: each band at its own price). Cognito user pools: Lite
 * (password and social sign-in) and Essentials (the default plan of new pools since November 2024), each
 * with 10,000 MAU free. Firebase Authentication with Identity Platform, tier 1 (email, anonymous, social):
 * 50,000 MAU free.
 */
export const PEER_PRICES = {
  cognitoLite: [[10_000, 0], [100_000, 0.0055], [1_000_000, 0.0046], [10_000_000, 0.00325], [Infinity, 0.0025]],
  cognitoEssentials: [[10_000, 0], [Infinity, 0.015]],
  firebase: [[50_000, 0], [100_000, 0.0055], [1_000_000, 0.0046], [10_000_000, 0.0032], [Infinity, 0.0025]],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/** A month of `users` MAU under graduated bands `[up to, $ per MAU]`. */
export function bandedCost(users: number, bands: readonly (readonly [number, number])[]): number {
  let cost = 0;
  let from = 0;
  for (const [upTo, price] of bands) {
    if (users <= from) break;
    cost += (Math.min(users, upTo) - from) * price;
    from = upTo;
  }
  return cost;
}

export function peerMonthly(users: number): { cognitoLite: number; cognitoEssentials: number; firebase: number } {
  return {
    cognitoLite: bandedCost(users, PEER_PRICES.cognitoLite),
    cognitoEssentials: bandedCost(users, PEER_PRICES.cognitoEssentials),
    firebase: bandedCost(users, PEER_PRICES.firebase),
  };
}
