-- Cancellation is written before its refund is sent (booking::refunds):
-- refund_status is NULL when nothing is to be refunded, 'pending' from the
-- cancellation until the provider has confirmed the refund, then 'done'.
-- A pending refund is retried by the sweeper and by the guest's next
-- cancel request. Keep in step with ../sqlite/0004_refunds_and_sweeps.sql.
ALTER TABLE bookings ADD COLUMN refund_status TEXT;

-- The sweeper's two questions: which refunds are pending, which holds
-- have lapsed (booking::sweeper).
CREATE INDEX bookings_by_refund_status ON bookings (refund_status);
CREATE INDEX bookings_by_status ON bookings (status, hold_expires_at);
