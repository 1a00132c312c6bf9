-- The booking domain: listings, coupons, quotes, bookings, the nights they
-- occupy, and payments. Dates are TEXT 'YYYY-MM-DD' (they sort as dates);
-- instants are Unix milliseconds; money is BIGINT minor units. Keep in step
-- with ../postgres/0002_booking.sql.

CREATE TABLE listings (
    listing_id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    -- Display order chosen by the property manager.
    position BIGINT NOT NULL,
    -- The listing page (doorstep::booking::ListingDetail) as JSON.
    details TEXT NOT NULL,
    -- Rates, stay rules, fees, taxes and policies (booking::pricing::RatePlan) as JSON.
    rate_plan TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, slug)
);

CREATE INDEX listings_by_tenant ON listings (tenant_id, position);

CREATE TABLE coupons (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- Upper case.
    code TEXT NOT NULL,
    -- booking::pricing::Coupon as JSON.
    rule TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

CREATE TABLE quotes (
    quote_id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    listing_id TEXT NOT NULL REFERENCES listings (listing_id) ON DELETE CASCADE,
    check_in TEXT NOT NULL,
    check_out TEXT NOT NULL,
    guests BIGINT NOT NULL,
    coupon_code TEXT,
    -- doorstep::booking::PriceBreakdown as JSON.
    price TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX quotes_by_tenant ON quotes (tenant_id, quote_id);

CREATE TABLE bookings (
    booking_id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    reference TEXT NOT NULL UNIQUE,
    listing_id TEXT NOT NULL REFERENCES listings (listing_id) ON DELETE CASCADE,
    quote_id TEXT,
    check_in TEXT NOT NULL,
    check_out TEXT NOT NULL,
    guests BIGINT NOT NULL,
    guest_name TEXT NOT NULL,
    guest_email TEXT NOT NULL,
    -- Trimmed and lower-cased, for the guest's look-up.
    guest_email_key TEXT NOT NULL,
    guest_phone TEXT NOT NULL,
    arrival_notes TEXT,
    -- doorstep::booking::PriceBreakdown as JSON, as quoted.
    price TEXT NOT NULL,
    currency TEXT NOT NULL,
    total BIGINT NOT NULL,
    due_now BIGINT NOT NULL,
    amount_paid BIGINT NOT NULL,
    -- held | confirmed | cancelled | expired
    status TEXT NOT NULL,
    hold_expires_at BIGINT,
    idempotency_key TEXT,
    -- SHA-256 (hex) of the request body, to refuse a reused key with another body.
    request_hash TEXT,
    refund_amount BIGINT,
    refund_percent BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, idempotency_key)
);

CREATE INDEX bookings_by_listing ON bookings (listing_id, status);

-- One row per occupied night. The primary key is the no-double-booking
-- guarantee: two bookings (or a booking and an owner block) can never hold
-- the same night of the same listing, whatever the application does.
CREATE TABLE booked_nights (
    listing_id TEXT NOT NULL REFERENCES listings (listing_id) ON DELETE CASCADE,
    night TEXT NOT NULL,
    -- NULL for an owner block.
    booking_id TEXT REFERENCES bookings (booking_id) ON DELETE CASCADE,
    PRIMARY KEY (listing_id, night)
);

CREATE INDEX booked_nights_by_booking ON booked_nights (booking_id);

CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    booking_id TEXT NOT NULL REFERENCES bookings (booking_id) ON DELETE CASCADE,
    -- charge | refund
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_reference TEXT NOT NULL,
    -- Never the card number: its brand and last four digits only.
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX payments_by_booking ON payments (booking_id, created_at);
