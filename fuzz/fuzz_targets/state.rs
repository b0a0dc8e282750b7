//! Reading partial results (`partial.json`) and checkpoints (`checkpoint.json`) from arbitrary
//! bytes: `Ok` or a clean error, never a panic; and what reads and checks against the scenario
//! merges and summarizes without one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outage_sim::montecarlo::{Checkpoint, Partial, Shard, Summary, merge_partials};
use outage_sim::scenario::Plan;
use std::sync::OnceLock;

fn scenario() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| Plan::load_or_default(None).expect("the embedded scenario"))
}

fuzz_target!(|data: &[u8]| {
    let s = scenario();
    if let Ok(p) = Partial::from_json(data) {
        let r = p.shard.range(p.replications);
        if p.scenario_hash == s.hash() && p.check_stats(s, r.end - r.start).is_ok() {
            let mut whole = p.clone();
            whole.shard = Shard { index: 0, count: 1 };
            if let Ok(stats) = merge_partials(&[whole]) {
                let _ = Summary::new(s, &stats).to_json();
            }
        }
    }
    if let Ok(cp) = Checkpoint::from_json(data)
        && cp.check_stats(s).is_ok()
    {
        let _ = Summary::new(s, &cp.run.stats).to_json();
    }
});
