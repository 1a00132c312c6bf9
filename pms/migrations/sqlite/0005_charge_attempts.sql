-- A payment attempt is written down before the card is charged
-- (booking::charges), so no charge can happen that the platform does not
-- know of: 'charging' from before the provider is asked until the booking
-- is confirmed with it ('confirmed', in the same transaction) or the charge
-- turns out unused, which is 'refund_pending' until the provider has given
-- it back ('refunded'); 'void' when nothing was charged. The sweeper
-- settles attempts a crash left 'charging' and retries pending refunds.
-- Keep in step with ../postgres/0005_charge_attempts.sql.
CREATE TABLE charge_attempts (
    attempt_id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    booking_id TEXT NOT NULL REFERENCES bookings (booking_id) ON DELETE CASCADE,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_reference TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX charge_attempts_by_status ON charge_attempts (status, updated_at);
