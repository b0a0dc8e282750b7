//! Retry budgets: client-side limits on how much retrying a client may do, so that a failing
//! dependency is not hit by a retry storm (docs/MODEL.md section 4).
//!
//! Two designs, both per client (a [`BudgetState`] per simulated client, created full):
//!
//! - **Token bucket** — the AWS SDK *standard* retry mode's *retry quota* ("Retry behavior", AWS
//!   SDKs and Tools Reference Guide, <https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>:
//!   "a token bucket that deducts tokens for each retry and replenishes tokens when requests
//!   succeed"; when the tokens run out the SDK returns the error without retrying). The amounts
//!   are the SDKs' constants (botocore `retries/standard.py` `RetryQuotaChecker`,
//!   aws-sdk-js-v3 `util-retry/constants.ts`): `INITIAL_RETRY_TOKENS = 500` (also the
//!   capacity), `RETRY_COST = 5`, `TIMEOUT_RETRY_COST = 10`, `NO_RETRY_INCREMENT = 1`. On a
//!   success botocore releases "whatever quota was associated with the last acquisition" if the
//!   request was retried, and `NO_RETRY_INCREMENT` if it succeeded first time; the balance never
//!   exceeds the capacity. A retry is allowed only if its whole cost is available.
//! - **Ratio** — a retry is allowed only while retries ≤ `reserve` + `ratio` × requests, in the
//!   style of Finagle's `RetryBudget` (Oliver, "Retry Budgets", Finagle blog, 2016: "20% of
//!   requests ... on top of a minimum of 10 retries per second ... built on top of a token bucket
//!   where credits expire after 10 seconds"). Each first attempt deposits `ratio` tokens, each
//!   retry withdraws one. Finagle's reserve replenishes every second and its deposits expire
//!   after a TTL; this model has no clock, so the `reserve` is the bucket's initial balance and
//!   the TTL becomes a cap (`max_tokens`) on the balance, which bounds the credit a long quiet
//!   period can build up for a later storm. Balances are kept in integer milli-tokens, so the
//!   accounting is exact.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Milli-tokens per token in the ratio budget.
const MILLI: u64 = 1000;

/// A retry budget's configuration: a table tagged by `kind` (`budget = "none"`, in the retry
/// policy, means no budget).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BudgetConfig {
    /// The AWS SDK standard retry mode's retry quota: a token bucket per client that each retry
    /// draws from and each success refills; every field defaults to the AWS SDKs' constant.
    TokenBucket {
        /// Tokens at the start, and the most the bucket holds; at least 1.
        #[serde(default = "aws::capacity")]
        capacity: u32,
        /// Tokens a retry costs; at most `capacity`.
        #[serde(default = "aws::retry_cost")]
        retry_cost: u32,
        /// Tokens a retry after a timeout costs; at most `capacity`.
        #[serde(default = "aws::timeout_retry_cost")]
        timeout_retry_cost: u32,
        /// Tokens a success on the first attempt returns (a retried success returns what its
        /// retry cost).
        #[serde(default = "aws::success_refund")]
        success_refund: u32,
    },
    /// A Finagle-style ratio budget: retries may make up at most `ratio` of the requests, on top
    /// of a reserve. The defaults: 10 % of requests, a reserve of 10 retries (Finagle's minimum),
    /// at most 100 tokens (about 10 s of deposits at 100 requests per second, Finagle's TTL).
    Ratio {
        /// Tokens each first attempt deposits, in [0.001, 1]: the long-run ratio of retries to
        /// requests.
        #[serde(default = "ratio_defaults::ratio")]
        ratio: f64,
        /// Tokens in the bucket at the start: retries allowed before any deposit.
        #[serde(default = "ratio_defaults::reserve")]
        reserve: u32,
        /// Most tokens the bucket holds, which bounds the credit a quiet period builds up; at least 1
        /// and at least `reserve`.
        #[serde(default = "ratio_defaults::max_tokens")]
        max_tokens: u32,
    },
}

/// AWS SDK standard-mode retry quota constants (see the module documentation).
pub mod aws {
    /// `INITIAL_RETRY_TOKENS`.
    pub fn capacity() -> u32 {
        500
    }
    /// `RETRY_COST`.
    pub fn retry_cost() -> u32 {
        5
    }
    /// `TIMEOUT_RETRY_COST`.
    pub fn timeout_retry_cost() -> u32 {
        10
    }
    /// `NO_RETRY_INCREMENT`.
    pub fn success_refund() -> u32 {
        1
    }
}

/// Defaults of the ratio budget: docs/MODEL.md's 10 % retry ratio, Finagle's minimum of 10 retries,
/// and a cap of 100 tokens (about 10 s of deposits at 100 requests/s, Finagle's TTL).
pub mod ratio_defaults {
    /// 10 % of requests may be retried.
    pub fn ratio() -> f64 {
        0.1
    }
    /// 10 retries before any deposits.
    pub fn reserve() -> u32 {
        10
    }
    /// At most 100 tokens.
    pub fn max_tokens() -> u32 {
        100
    }
}

impl BudgetConfig {
    /// The AWS SDK standard-mode retry quota: 500 tokens, retry 5, timeout retry 10, refund 1.
    pub fn aws_standard() -> BudgetConfig {
        BudgetConfig::TokenBucket {
            capacity: aws::capacity(),
            retry_cost: aws::retry_cost(),
            timeout_retry_cost: aws::timeout_retry_cost(),
            success_refund: aws::success_refund(),
        }
    }

    /// Checks the parameters; errors name the field (`budget.<field>`) and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            BudgetConfig::TokenBucket {
                capacity,
                retry_cost,
                timeout_retry_cost,
                ..
            } => {
                if capacity == 0 {
                    return Err("budget.capacity: must be at least 1 token".into());
                }
                if retry_cost > capacity || timeout_retry_cost > capacity {
                    return Err(format!(
                        "budget.retry_cost / budget.timeout_retry_cost: must not exceed budget.capacity ({capacity}), \
                         or no retry could ever be paid for"
                    ));
                }
                Ok(())
            }
            BudgetConfig::Ratio {
                ratio,
                reserve,
                max_tokens,
            } => {
                if !(0.001..=1.0).contains(&ratio) {
                    return Err(format!(
                        "budget.ratio: must be in (0, 1] and at least 0.001 (tokens are counted in thousandths), got {ratio}"
                    ));
                }
                if max_tokens == 0 {
                    return Err("budget.max_tokens: must be at least 1".into());
                }
                if reserve > max_tokens {
                    return Err(format!(
                        "budget.reserve: must not exceed budget.max_tokens ({max_tokens}), got {reserve}"
                    ));
                }
                Ok(())
            }
        }
    }
}

/// One client's budget: what is left, and what it has done.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetState {
    kind: StateKind,
    granted: u64,
    denied: u64,
}

#[derive(Clone, Debug, PartialEq)]
enum StateKind {
    Unlimited,
    TokenBucket {
        capacity: u32,
        retry_cost: u32,
        timeout_retry_cost: u32,
        success_refund: u32,
        tokens: u32,
        last_cost: u32,
    },
    Ratio {
        deposit: u64,
        cap: u64,
        balance: u64,
    },
}

impl BudgetState {
    /// A budget that allows every retry.
    pub fn unlimited() -> BudgetState {
        BudgetState {
            kind: StateKind::Unlimited,
            granted: 0,
            denied: 0,
        }
    }

    /// A full budget of the given configuration (assumed validated), or unlimited for `None`.
    pub fn new(config: Option<&BudgetConfig>) -> BudgetState {
        let kind = match config {
            None => StateKind::Unlimited,
            Some(&BudgetConfig::TokenBucket {
                capacity,
                retry_cost,
                timeout_retry_cost,
                success_refund,
            }) => StateKind::TokenBucket {
                capacity,
                retry_cost,
                timeout_retry_cost,
                success_refund,
                tokens: capacity,
                last_cost: retry_cost,
            },
            Some(&BudgetConfig::Ratio {
                ratio,
                reserve,
                max_tokens,
            }) => StateKind::Ratio {
                deposit: (ratio * MILLI as f64).round() as u64,
                cap: u64::from(max_tokens) * MILLI,
                balance: u64::from(reserve) * MILLI,
            },
        };
        BudgetState {
            kind,
            granted: 0,
            denied: 0,
        }
    }

    /// Asks for one retry (`is_timeout`: the failed attempt timed out, which costs more in the
    /// token bucket). Takes the cost and returns true, or takes nothing and returns false.
    pub fn try_acquire_retry(&mut self, is_timeout: bool) -> bool {
        let ok = match &mut self.kind {
            StateKind::Unlimited => true,
            StateKind::TokenBucket {
                retry_cost,
                timeout_retry_cost,
                tokens,
                last_cost,
                ..
            } => {
                let cost = if is_timeout { *timeout_retry_cost } else { *retry_cost };
                if *tokens >= cost {
                    *tokens -= cost;
                    *last_cost = cost;
                    true
                } else {
                    false
                }
            }
            StateKind::Ratio { balance, .. } => {
                if *balance >= MILLI {
                    *balance -= MILLI;
                    true
                } else {
                    false
                }
            }
        };
        if ok {
            self.granted += 1;
        } else {
            self.denied += 1;
        }
        ok
    }

    /// A request succeeded. Token bucket: `was_retry` (it succeeded on a retry) returns the cost
    /// of the most recent retry this state granted (botocore returns the cost of the request's
    /// own last retry — the same when a client has one request in flight at a time), otherwise
    /// `success_refund`; never above the capacity. Ratio budget: nothing.
    pub fn on_success(&mut self, was_retry: bool) {
        if let StateKind::TokenBucket {
            capacity,
            success_refund,
            tokens,
            last_cost,
            ..
        } = &mut self.kind
        {
            let refund = if was_retry { *last_cost } else { *success_refund };
            *tokens = tokens.saturating_add(refund).min(*capacity);
        }
    }

    /// A new logical request (its first attempt). Ratio budget: deposits `ratio` tokens, up to
    /// the cap. Token bucket: nothing.
    pub fn on_request(&mut self) {
        if let StateKind::Ratio { deposit, cap, balance } = &mut self.kind {
            *balance = (*balance + *deposit).min(*cap);
        }
    }

    /// Tokens left in a token bucket (`None` for other kinds).
    pub fn tokens(&self) -> Option<u32> {
        match self.kind {
            StateKind::TokenBucket { tokens, .. } => Some(tokens),
            _ => None,
        }
    }

    /// Balance of a ratio budget in thousandths of a token (`None` for other kinds).
    pub fn balance_milli(&self) -> Option<u64> {
        match self.kind {
            StateKind::Ratio { balance, .. } => Some(balance),
            _ => None,
        }
    }

    /// Retries granted so far.
    pub fn granted(&self) -> u64 {
        self.granted
    }

    /// Retries refused so far.
    pub fn denied(&self) -> u64 {
        self.denied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bucket_accounting_is_exact() {
        let mut b = BudgetState::new(Some(&BudgetConfig::aws_standard()));
        assert_eq!(b.tokens(), Some(500));
        assert!(b.try_acquire_retry(false));
        assert_eq!(b.tokens(), Some(495));
        assert!(b.try_acquire_retry(true));
        assert_eq!(b.tokens(), Some(485));
        // A success after a (timeout) retry returns that retry's cost.
        b.on_success(true);
        assert_eq!(b.tokens(), Some(495));
        b.on_success(false);
        assert_eq!(b.tokens(), Some(496));
        // Refills stop at the capacity.
        for _ in 0..10 {
            b.on_success(false);
        }
        assert_eq!(b.tokens(), Some(500));
        // Drain: 100 retries of 5 tokens, then nothing is left.
        for i in 0..100 {
            assert!(b.try_acquire_retry(false), "retry {i}");
        }
        assert_eq!(b.tokens(), Some(0));
        assert!(!b.try_acquire_retry(false));
        assert!(!b.try_acquire_retry(true));
        assert_eq!((b.granted(), b.denied()), (102, 2));
        // Nine first-attempt successes give 9 tokens: one retry (5), not a timeout retry (10).
        for _ in 0..9 {
            b.on_success(false);
        }
        assert!(!b.try_acquire_retry(true));
        assert!(b.try_acquire_retry(false));
        assert_eq!(b.tokens(), Some(4));
        b.on_request(); // no effect on a token bucket
        assert_eq!(b.tokens(), Some(4));
    }

    #[test]
    fn ratio_budget_accounting_is_exact() {
        let cfg = BudgetConfig::Ratio {
            ratio: 0.1,
            reserve: 2,
            max_tokens: 3,
        };
        let mut b = BudgetState::new(Some(&cfg));
        assert_eq!(b.balance_milli(), Some(2000));
        assert!(b.try_acquire_retry(false));
        assert!(b.try_acquire_retry(true));
        assert!(!b.try_acquire_retry(false));
        assert_eq!(b.balance_milli(), Some(0));
        // Ten requests earn one retry.
        for _ in 0..9 {
            b.on_request();
        }
        assert!(!b.try_acquire_retry(false));
        b.on_request();
        assert_eq!(b.balance_milli(), Some(1000));
        b.on_success(true); // no effect on a ratio budget
        assert!(b.try_acquire_retry(false));
        // Deposits stop at the cap.
        for _ in 0..1000 {
            b.on_request();
        }
        assert_eq!(b.balance_milli(), Some(3000));
        assert_eq!((b.granted(), b.denied()), (3, 2));
    }

    #[test]
    fn unlimited_allows_everything() {
        let mut b = BudgetState::unlimited();
        assert!((0..10_000).all(|_| b.try_acquire_retry(true)));
        assert_eq!(b.tokens(), None);
        assert_eq!(b.balance_milli(), None);
    }

    #[test]
    fn validation_names_fields() {
        let bad = BudgetConfig::Ratio {
            ratio: 1.5,
            reserve: 1,
            max_tokens: 10,
        };
        assert!(bad.validate().unwrap_err().starts_with("budget.ratio:"));
        let bad = BudgetConfig::TokenBucket {
            capacity: 0,
            retry_cost: 0,
            timeout_retry_cost: 0,
            success_refund: 1,
        };
        assert!(bad.validate().unwrap_err().starts_with("budget.capacity:"));
        assert!(BudgetConfig::aws_standard().validate().is_ok());
    }
}
