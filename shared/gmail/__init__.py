"""Gmail adapter: client factory, history/list/batch-get, quota limiter, error mapping."""
