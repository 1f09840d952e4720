// Type declarations for the NN Wallet rules compiled to WebAssembly (index.browser.js and
// index.node.mjs). The documents are those of docs/rules-api.md; docs/wasm-api.md describes
// loading and the fast path. Money is integer centavos, PV and points are integers, instants
// are "YYYY-MM-DDTHH:MM:SSZ", periods "YYYY-MM". A request that breaks a rule gets an
// ErrorDocument back (never an exception).

/** "YYYY-MM-DDTHH:MM:SSZ", UTC, years 2000-2199. */
export type Instant = string;
/** A local calendar month in the market's time zone, "YYYY-MM". */
export type Period = string;
/** A JSON integer within ±9007199254740991 (Number.isSafeInteger). */
export type Integer = number;

// ---- errors ----

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_type'
  | 'missing_field'
  | 'unknown_field'
  | 'out_of_range'
  | 'invalid_value'
  | 'invalid_timestamp'
  | 'unknown_market'
  | 'overflow'
  | 'invalid_config';

export interface ErrorDocument {
  error: {
    code: ErrorCode;
    /** For people; English. */
    message: string;
    /** JSON path of the offending input ("lines[2].quantity"); "" for the whole document. */
    field: string;
  };
}

/** A response or the error document; `'error' in result` tells them apart. */
export type Result<T> = T | ErrorDocument;

// ---- cart preview ----

export type CashbackStatus = 'AVAILABLE' | 'USED' | 'EXPIRED';

export interface Cashback {
  period: Period;
  status: CashbackStatus;
  value_cents: Integer;
}

export interface CartLine {
  /** 1 to limits.id_length_max UTF-8 bytes. */
  sku: string;
  /** 1 to limits.line_quantity_max. */
  quantity: Integer;
  /** Public price, tax included; 0 to limits.unit_price_cents_max. */
  unit_price_cents: Integer;
  /** 0 to limits.unit_pv_max. */
  unit_pv: Integer;
}

export interface CartRequest {
  /** A configured market code ("MX"). */
  market: string;
  now: Instant;
  /** PV of the member's confirmed, not cancelled orders in the current period. */
  period_pv: Integer;
  /** The member's latest cashback as booked; null or absent when there is none. */
  cashback?: Cashback | null;
  /** At most limits.cart_lines_max; an empty cart is a valid preview. */
  lines: CartLine[];
  shipping_cents: Integer;
}

export type CashbackInput = 'NONE' | 'AVAILABLE' | 'USED' | 'EXPIRED';
export type CashbackSpend = 'NONE' | 'CROSSING_ORDER' | 'AVAILABLE_CASHBACK';

export interface LinePreview extends CartLine {
  line_pv: Integer;
  subtotal_cents: Integer;
  discounted_units: Integer;
  discount_cents: Integer;
  /** The discount was cut by what remained of the cashback. */
  clipped: boolean;
  total_cents: Integer;
}

export interface CartPreview {
  rules_version: string;
  market: string;
  currency: string;
  period: Period;
  cart_pv: Integer;
  period_pv_before: Integer;
  period_pv_after: Integer;
  pv_threshold: Integer;
  pv_missing: Integer;
  cashback_in: CashbackInput;
  unlocks_cashback: boolean;
  /** The unit at which the period's PV reaches the threshold: 0-based line, 1-based unit. */
  crossing: { line: Integer; unit: Integer } | null;
  cashback_generated_cents: Integer;
  cashback_spend: CashbackSpend;
  cashback_spendable_cents: Integer;
  lines: LinePreview[];
  subtotal_cents: Integer;
  discount_cents: Integer;
  shipping_cents: Integer;
  total_cents: Integer;
  /** The member's cashback for the current period after this order. */
  cashback_after: Cashback | null;
}

// ---- loyalty status ----

export interface LoyaltyOrder {
  /** Unique in the array. */
  id: string;
  placed_at: Instant;
  /** At or after placed_at. */
  cancelled_at?: Instant | null;
}

export interface LoyaltyRequest {
  market: string;
  now: Instant;
  /** At most limits.orders_max, in any order. */
  orders: LoyaltyOrder[];
}

export type LoyaltyStatusName = 'SIN_PUNTOS' | 'ACTIVO' | 'REINICIADO';
export type LoyaltyEventType = 'ACCRUAL' | 'RESET' | 'REWARD';

export interface LoyaltyWindow {
  period: Period;
  opens_at: Instant;
  closes_at: Instant;
  open: boolean;
  earned: boolean;
  earning_order_id: string | null;
  /** Local days left in the window, today included; 0 when closed. */
  days_left: Integer;
}

export interface LoyaltyEvent {
  type: LoyaltyEventType;
  period: Period;
  /** The earning order for an ACCRUAL; null for RESET and REWARD. */
  order_id: string | null;
  points_before: Integer;
  points_after: Integer;
  /** The value after the event. */
  consecutive_months: Integer;
  at: Instant;
}

export interface LoyaltyStatus {
  rules_version: string;
  market: string;
  period: Period;
  points: Integer;
  goal_points: Integer;
  consecutive_months: Integer;
  status: LoyaltyStatusName;
  window: LoyaltyWindow;
  next_window_opens_at: Instant;
  /** One entitlement per period that reached the goal. */
  rewards_earned: Period[];
  history: LoyaltyEvent[];
}

// ---- travel points ----

export type CampaignStatus = 'ACTIVA' | 'CERRADA';
export type Kit = 'FULL_SUPPLEMENT' | 'FULL_SKIN' | 'FULL_PROTECT';
export type TravelEventType = 'KIT_SOLD' | 'RANK_REACHED' | 'DIRECT_RANK_REACHED';
export type TravelRejection =
  | 'DUPLICATE_EVENT'
  | 'OUTSIDE_CAMPAIGN'
  | 'CAMPAIGN_CLOSED'
  | 'RANK_ALREADY_COUNTED'
  | 'DIRECT_RANK_ALREADY_COUNTED';

/** Half-open: [starts_at, ends_at). */
export interface PromoWindow {
  starts_at: Instant;
  ends_at: Instant;
}

export interface Campaign {
  id: string;
  starts_at: Instant;
  /** Exclusive. */
  ends_at: Instant;
  status: CampaignStatus;
  /** Required when CERRADA, null or absent when ACTIVA. */
  closed_at?: Instant | null;
  /** At most limits.promo_windows_max, each inside the campaign. */
  promo_windows?: PromoWindow[] | null;
}

interface TravelEventBase {
  id: string;
  at: Instant;
  /** When the server took the event; defaults to `at`. */
  received_at?: Instant | null;
}

export interface KitSoldEvent extends TravelEventBase {
  type: 'KIT_SOLD';
  kit: Kit;
}

export interface RankReachedEvent extends TravelEventBase {
  type: 'RANK_REACHED';
  /** A configured rank id ("EMPRENDEDOR"). */
  rank: string;
}

export interface DirectRankReachedEvent extends TravelEventBase {
  type: 'DIRECT_RANK_REACHED';
  direct_id: string;
  rank: string;
}

export type TravelEvent = KitSoldEvent | RankReachedEvent | DirectRankReachedEvent;

export interface TravelRequest {
  campaign: Campaign;
  /** At most limits.events_max. */
  events: TravelEvent[];
}

interface TravelEventRef {
  /** 0-based index into the request's events. */
  event: Integer;
  id: string;
  type: TravelEventType;
}

export interface TravelAccepted extends TravelEventRef {
  column: 'BASE' | 'PROMO';
  points: Integer;
}

export interface TravelRejected extends TravelEventRef {
  reason: TravelRejection;
}

export interface TravelPoints {
  rules_version: string;
  campaign_id: string;
  status: CampaignStatus;
  target_points: Integer;
  points: Integer;
  points_missing: Integer;
  qualified: boolean;
  breakdown: { kits: Integer; ranks: Integer; directs: Integer };
  /** In application order (by `at`, then request order). */
  accepted: TravelAccepted[];
  /** Duplicates first, in request order, then in application order. */
  rejected: TravelRejected[];
}

// ---- CLABE check ----

export interface ClabeRequest {
  /** Any string is a valid request. */
  clabe: string;
}

export interface ClabeCheck {
  valid: boolean;
  problem: 'WRONG_LENGTH' | 'NOT_DIGITS' | 'BAD_CHECK_DIGIT' | null;
  /** The parts are null unless the string is 18 digits. */
  bank_code: string | null;
  branch_code: string | null;
  account: string | null;
  check_digit: Integer | null;
  /** Null unless the first 17 characters are digits. */
  expected_check_digit: Integer | null;
}

// ---- configuration ----

export interface PointsColumns {
  base: Integer;
  promo: Integer;
}

/** rules/config/default.json; describe() returns it with object keys sorted. */
export interface RulesConfig {
  schema: Integer;
  markets: { code: string; currency: string; time_zone: string; posix_tz: string }[];
  cashback: { pv_threshold: Integer; discount_bp: Integer };
  loyalty: {
    points_per_period: Integer;
    window_first_day: Integer;
    window_last_day: Integer;
    goal_points: Integer;
    rewards: { id: string; name: string }[];
  };
  travel: {
    target_points: Integer;
    kits: Record<Kit, PointsColumns>;
    ranks: ({ id: string; name: string } & PointsColumns)[];
  };
  wallets: {
    currency: string;
    transfer_max_cents: Integer;
    transfer_daily_max_cents: Integer;
    transfers_per_minute: Integer;
    withdrawal_min_cents: Integer;
    withdrawal_totp_above_cents: Integer;
  }[];
  limits: {
    cart_lines_max: Integer;
    line_quantity_max: Integer;
    unit_price_cents_max: Integer;
    unit_pv_max: Integer;
    shipping_cents_max: Integer;
    period_pv_max: Integer;
    orders_max: Integer;
    events_max: Integer;
    promo_windows_max: Integer;
    id_length_max: Integer;
  };
}

export interface Description {
  rules_version: string;
  config: RulesConfig;
}

// ---- the API ----

/** Text in, text out: exactly the native nnw::rules::Engine, for raw documents and parity tests. */
export interface RulesJsonApi {
  previewCart(requestJson: string): string;
  loyaltyStatus(requestJson: string): string;
  travelPoints(requestJson: string): string;
  checkClabe(requestJson: string): string;
  describe(): string;
  loadConfig(configJson: string): string;
}

export interface Rules {
  /** Fast path when the request is plain data of exactly this shape, else the JSON path; same result either way. */
  previewCart(request: CartRequest): Result<CartPreview>;
  /** Always the JSON path (for parity tests and benchmarks). */
  previewCartJson(request: CartRequest): Result<CartPreview>;
  loyaltyStatus(request: LoyaltyRequest): Result<LoyaltyStatus>;
  travelPoints(request: TravelRequest): Result<TravelPoints>;
  checkClabe(request: ClabeRequest): Result<ClabeCheck>;
  describe(): Description;
  /** The configuration's version: 16 hex digits of SHA-256 over its canonical form. */
  version(): string;
  /**
   * Swaps the configuration (an object, or JSON text sent as-is). On error the old
   * configuration stays and the error document (code invalid_config) comes back.
   */
  loadConfig(config: RulesConfig | string): Result<{ rules_version: string }>;
  json: RulesJsonApi;
}

export interface LoadOptions {
  /** Browser: where nnw_rules.wasm is served (default: next to index.browser.js). */
  wasmUrl?: string | URL;
  /** Node: the nnw_rules.wasm file to read (default: next to index.node.mjs). */
  wasmPath?: string | URL;
  /** The module's bytes, when the caller already has them. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/** Instantiates a fresh module with the configuration shipped in the repository. */
export function loadRules(options?: LoadOptions): Promise<Rules>;
