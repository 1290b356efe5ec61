-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "is_online" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMPTZ(3),
    "access_token" TEXT NOT NULL,
    "user_id" BIGINT,
    "first_name" TEXT,
    "last_name" TEXT,
    "email" TEXT,
    "account_owner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "email_verified" BOOLEAN DEFAULT false,
    "refresh_token" TEXT,
    "refresh_token_expires" TIMESTAMPTZ(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shops" (
    "shop" TEXT NOT NULL,
    "shopify_id" BIGINT,
    "name" TEXT,
    "email" TEXT,
    "install_state" TEXT NOT NULL DEFAULT 'installed',
    "granted_scopes" TEXT,
    "currency_code" TEXT,
    "iana_timezone" TEXT,
    "plan_name" TEXT,
    "primary_domain" TEXT,
    "installed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalled_at" TIMESTAMPTZ(3),
    "settings_json" TEXT NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shops_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "bulk_operation_id" TEXT,
    "expected_count" INTEGER,
    "downloaded_count" INTEGER NOT NULL DEFAULT 0,
    "refined_count" INTEGER NOT NULL DEFAULT 0,
    "skipped_count" INTEGER NOT NULL DEFAULT 0,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raw_records" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "gid" TEXT NOT NULL,
    "shopify_id" BIGINT,
    "hash" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "sync_run_id" TEXT,
    "webhook_delivery_id" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "refined_at" TIMESTAMPTZ(3),

    CONSTRAINT "raw_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "triggered_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "api_version" TEXT,
    "status" TEXT NOT NULL DEFAULT 'received',
    "error" TEXT,
    "payload_hash" TEXT,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_events" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "resource" TEXT,
    "kind" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,
    "subject_gid" TEXT,
    "sync_run_id" TEXT,
    "data_json" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integrity_reports" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "verdict" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "summary_json" TEXT,
    "aggregate_check_json" TEXT,

    CONSTRAINT "integrity_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "resource" TEXT,
    "payload_json" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 5,
    "run_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_by" TEXT,
    "locked_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "dedupe_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "number" INTEGER,
    "email" TEXT,
    "phone" TEXT,
    "customer_id" BIGINT,
    "customer_locale" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "cancel_reason" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "closed" BOOLEAN NOT NULL DEFAULT false,
    "confirmed" BOOLEAN NOT NULL DEFAULT true,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "display_financial_status" TEXT,
    "display_fulfillment_status" TEXT,
    "return_status" TEXT,
    "currency_code" TEXT NOT NULL,
    "presentment_currency_code" TEXT,
    "subtotal_price" DECIMAL(20,4),
    "total_price" DECIMAL(20,4) NOT NULL,
    "total_tax" DECIMAL(20,4),
    "total_discounts" DECIMAL(20,4),
    "total_shipping" DECIMAL(20,4),
    "total_refunded" DECIMAL(20,4),
    "total_outstanding" DECIMAL(20,4),
    "current_subtotal_price" DECIMAL(20,4),
    "current_total_price" DECIMAL(20,4),
    "current_total_tax" DECIMAL(20,4),
    "current_total_discounts" DECIMAL(20,4),
    "total_price_presentment" DECIMAL(20,4),
    "subtotal_line_items_quantity" INTEGER,
    "total_weight_grams" BIGINT,
    "taxes_included" BOOLEAN NOT NULL DEFAULT false,
    "tax_exempt" BOOLEAN NOT NULL DEFAULT false,
    "source_name" TEXT,
    "source_identifier" TEXT,
    "tags" TEXT,
    "note" TEXT,
    "discount_codes" TEXT,
    "payment_gateway_names" TEXT,
    "confirmation_number" TEXT,
    "checkout_token" TEXT,
    "cart_token" TEXT,
    "billing_country_code" TEXT,
    "shipping_country_code" TEXT,
    "shipping_province_code" TEXT,
    "billing_address_json" TEXT,
    "shipping_address_json" TEXT,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "orders_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "line_items" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "product_id" BIGINT,
    "variant_id" BIGINT,
    "title" TEXT NOT NULL,
    "variant_title" TEXT,
    "name" TEXT,
    "sku" TEXT,
    "vendor" TEXT,
    "quantity" INTEGER NOT NULL,
    "current_quantity" INTEGER,
    "unfulfilled_quantity" INTEGER,
    "requires_shipping" BOOLEAN NOT NULL DEFAULT true,
    "taxable" BOOLEAN NOT NULL DEFAULT true,
    "is_gift_card" BOOLEAN NOT NULL DEFAULT false,
    "currency_code" TEXT NOT NULL,
    "original_unit_price" DECIMAL(20,4) NOT NULL,
    "discounted_unit_price" DECIMAL(20,4),
    "original_total" DECIMAL(20,4),
    "discounted_total" DECIMAL(20,4),
    "total_discount" DECIMAL(20,4),
    "total_tax" DECIMAL(20,4),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "line_items_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "products" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "product_type" TEXT,
    "vendor" TEXT,
    "tags" TEXT,
    "description_html" TEXT,
    "category" TEXT,
    "template_suffix" TEXT,
    "online_store_url" TEXT,
    "is_gift_card" BOOLEAN NOT NULL DEFAULT false,
    "has_only_default_variant" BOOLEAN NOT NULL DEFAULT true,
    "tracks_inventory" BOOLEAN NOT NULL DEFAULT false,
    "total_inventory" INTEGER,
    "currency_code" TEXT,
    "min_variant_price" DECIMAL(20,4),
    "max_variant_price" DECIMAL(20,4),
    "options_json" TEXT,
    "seo_title" TEXT,
    "seo_description" TEXT,
    "featured_media_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "published_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "products_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "product_variants" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "product_id" BIGINT NOT NULL,
    "inventory_item_id" BIGINT,
    "title" TEXT NOT NULL,
    "display_name" TEXT,
    "sku" TEXT,
    "barcode" TEXT,
    "position" INTEGER,
    "currency_code" TEXT NOT NULL,
    "price" DECIMAL(20,4) NOT NULL,
    "compare_at_price" DECIMAL(20,4),
    "inventory_quantity" INTEGER,
    "inventory_policy" TEXT,
    "available_for_sale" BOOLEAN NOT NULL DEFAULT true,
    "taxable" BOOLEAN NOT NULL DEFAULT true,
    "selected_options_json" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "product_variants_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "product_images" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "product_id" BIGINT NOT NULL,
    "position" INTEGER,
    "alt" TEXT,
    "url" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "mime_type" TEXT,
    "status" TEXT,
    "created_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "product_images_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "customers" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "first_name" TEXT,
    "last_name" TEXT,
    "display_name" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "state" TEXT,
    "locale" TEXT,
    "note" TEXT,
    "tags" TEXT,
    "verified_email" BOOLEAN NOT NULL DEFAULT false,
    "tax_exempt" BOOLEAN NOT NULL DEFAULT false,
    "data_sale_opt_out" BOOLEAN NOT NULL DEFAULT false,
    "email_marketing_state" TEXT,
    "sms_marketing_state" TEXT,
    "number_of_orders" INTEGER NOT NULL DEFAULT 0,
    "currency_code" TEXT,
    "amount_spent" DECIMAL(20,4),
    "default_address_id" BIGINT,
    "last_order_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "customers_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "customer_addresses" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "customer_id" BIGINT NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "first_name" TEXT,
    "last_name" TEXT,
    "name" TEXT,
    "company" TEXT,
    "address1" TEXT,
    "address2" TEXT,
    "city" TEXT,
    "province" TEXT,
    "province_code" TEXT,
    "country" TEXT,
    "country_code" TEXT,
    "zip" TEXT,
    "phone" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_addresses_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "locations" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "fulfills_online_orders" BOOLEAN NOT NULL DEFAULT true,
    "ships_inventory" BOOLEAN NOT NULL DEFAULT true,
    "has_active_inventory" BOOLEAN NOT NULL DEFAULT false,
    "is_fulfillment_service" BOOLEAN NOT NULL DEFAULT false,
    "address1" TEXT,
    "address2" TEXT,
    "city" TEXT,
    "province" TEXT,
    "province_code" TEXT,
    "country" TEXT,
    "country_code" TEXT,
    "zip" TEXT,
    "phone" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "deactivated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "locations_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "inventory_items" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "variant_id" BIGINT,
    "sku" TEXT,
    "tracked" BOOLEAN NOT NULL DEFAULT true,
    "requires_shipping" BOOLEAN NOT NULL DEFAULT true,
    "currency_code" TEXT,
    "unit_cost" DECIMAL(20,4),
    "country_code_of_origin" TEXT,
    "province_code_of_origin" TEXT,
    "harmonized_system_code" TEXT,
    "weight_value" DOUBLE PRECISION,
    "weight_unit" TEXT,
    "created_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "inventory_items_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "inventory_levels" (
    "shop" TEXT NOT NULL,
    "inventory_item_id" BIGINT NOT NULL,
    "location_id" BIGINT NOT NULL,
    "id" BIGINT,
    "gid" TEXT,
    "available" INTEGER,
    "on_hand" INTEGER,
    "committed" INTEGER,
    "incoming" INTEGER,
    "reserved" INTEGER,
    "damaged" INTEGER,
    "safety_stock" INTEGER,
    "quality_control" INTEGER,
    "created_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "inventory_levels_pkey" PRIMARY KEY ("shop","inventory_item_id","location_id")
);

-- CreateTable
CREATE TABLE "order_transactions" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "parent_id" BIGINT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "gateway" TEXT,
    "formatted_gateway" TEXT,
    "currency_code" TEXT NOT NULL,
    "amount" DECIMAL(20,4) NOT NULL,
    "presentment_currency_code" TEXT,
    "amount_presentment" DECIMAL(20,4),
    "error_code" TEXT,
    "payment_id" TEXT,
    "account_number" TEXT,
    "manual_payment_gateway" BOOLEAN NOT NULL DEFAULT false,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "processed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "order_transactions_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "note" TEXT,
    "currency_code" TEXT NOT NULL,
    "total_refunded" DECIMAL(20,4) NOT NULL,
    "return_id" BIGINT,
    "created_at" TIMESTAMPTZ(3),
    "processed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "refund_line_items" (
    "shop" TEXT NOT NULL,
    "refund_id" BIGINT NOT NULL,
    "line_item_id" BIGINT NOT NULL,
    "id" BIGINT,
    "gid" TEXT,
    "order_id" BIGINT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "restock_type" TEXT,
    "restocked" BOOLEAN NOT NULL DEFAULT false,
    "location_id" BIGINT,
    "currency_code" TEXT NOT NULL,
    "price" DECIMAL(20,4),
    "subtotal" DECIMAL(20,4),
    "total_tax" DECIMAL(20,4),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "refund_line_items_pkey" PRIMARY KEY ("shop","refund_id","line_item_id")
);

-- CreateTable
CREATE TABLE "payouts" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "transaction_type" TEXT,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "currency_code" TEXT NOT NULL,
    "net" DECIMAL(20,4) NOT NULL,
    "charges_gross" DECIMAL(20,4),
    "charges_fee" DECIMAL(20,4),
    "refunds_fee_gross" DECIMAL(20,4),
    "refunds_fee" DECIMAL(20,4),
    "adjustments_gross" DECIMAL(20,4),
    "adjustments_fee" DECIMAL(20,4),
    "external_trace_id" TEXT,
    "summary_json" TEXT,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "payouts_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "disputes" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "order_id" BIGINT,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "network_reason_code" TEXT,
    "currency_code" TEXT NOT NULL,
    "amount" DECIMAL(20,4) NOT NULL,
    "initiated_at" TIMESTAMPTZ(3) NOT NULL,
    "evidence_due_by" TIMESTAMPTZ(3),
    "evidence_sent_on" TIMESTAMPTZ(3),
    "finalized_on" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "disputes_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "balance_transactions" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "currency_code" TEXT NOT NULL,
    "amount" DECIMAL(20,4) NOT NULL,
    "fee" DECIMAL(20,4) NOT NULL,
    "net" DECIMAL(20,4) NOT NULL,
    "source_type" TEXT,
    "source_id" BIGINT,
    "source_order_transaction_id" BIGINT,
    "order_id" BIGINT,
    "payout_id" BIGINT,
    "payout_status" TEXT,
    "adjustment_reason" TEXT,
    "transaction_date" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "balance_transactions_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "discounts" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "discount_type" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "summary" TEXT,
    "discount_classes" TEXT,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3),
    "usage_limit" INTEGER,
    "applies_once_per_customer" BOOLEAN NOT NULL DEFAULT false,
    "async_usage_count" INTEGER NOT NULL DEFAULT 0,
    "codes_count" INTEGER,
    "currency_code" TEXT,
    "total_sales" DECIMAL(20,4),
    "value_json" TEXT,
    "combines_with_json" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "discounts_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "discount_codes" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "discount_id" BIGINT NOT NULL,
    "code" TEXT NOT NULL,
    "async_usage_count" INTEGER NOT NULL DEFAULT 0,
    "created_by_app_id" TEXT,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "discount_codes_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "marketing_events" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "marketing_channel_type" TEXT,
    "remote_id" TEXT,
    "source_and_medium" TEXT,
    "description" TEXT,
    "app_title" TEXT,
    "manage_url" TEXT,
    "preview_url" TEXT,
    "utm_campaign" TEXT,
    "utm_medium" TEXT,
    "utm_source" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "scheduled_to_end_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "marketing_events_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "fulfillments" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "name" TEXT,
    "status" TEXT NOT NULL,
    "display_status" TEXT,
    "location_id" BIGINT,
    "service_name" TEXT,
    "total_quantity" INTEGER,
    "requires_shipping" BOOLEAN NOT NULL DEFAULT true,
    "tracking_company" TEXT,
    "tracking_number" TEXT,
    "tracking_url" TEXT,
    "tracking_info_json" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),
    "in_transit_at" TIMESTAMPTZ(3),
    "estimated_delivery_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "fulfillments_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "fulfillment_line_items" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "fulfillment_id" BIGINT NOT NULL,
    "order_id" BIGINT NOT NULL,
    "line_item_id" BIGINT NOT NULL,
    "quantity" INTEGER,
    "currency_code" TEXT,
    "original_total" DECIMAL(20,4),
    "discounted_total" DECIMAL(20,4),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "fulfillment_line_items_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "abandoned_checkouts" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "gid" TEXT NOT NULL,
    "name" TEXT,
    "customer_id" BIGINT,
    "email" TEXT,
    "abandoned_checkout_url" TEXT,
    "currency_code" TEXT NOT NULL,
    "subtotal_price" DECIMAL(20,4),
    "total_price" DECIMAL(20,4) NOT NULL,
    "total_tax" DECIMAL(20,4),
    "total_discounts" DECIMAL(20,4),
    "total_line_items_price" DECIMAL(20,4),
    "taxes_included" BOOLEAN NOT NULL DEFAULT false,
    "discount_codes" TEXT,
    "note" TEXT,
    "line_items_count" INTEGER,
    "line_items_json" TEXT,
    "billing_country_code" TEXT,
    "shipping_country_code" TEXT,
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "abandoned_checkouts_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "reports" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "schedule" TEXT,
    "last_run_at" TIMESTAMPTZ(3),
    "last_run_id" TEXT,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_rows" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "report_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "row_index" INTEGER NOT NULL,
    "data_json" TEXT NOT NULL,
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_rows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "analytics_snapshots" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "currency_code" TEXT,
    "data_json" TEXT NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "analytics_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "daily_metrics" (
    "shop" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "currency_code" TEXT NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "gross_sales" DECIMAL(20,4) NOT NULL,
    "discounts" DECIMAL(20,4) NOT NULL,
    "returns" DECIMAL(20,4) NOT NULL,
    "net_sales" DECIMAL(20,4) NOT NULL,
    "taxes" DECIMAL(20,4) NOT NULL,
    "shipping" DECIMAL(20,4) NOT NULL,
    "total_sales" DECIMAL(20,4) NOT NULL,
    "units_sold" INTEGER NOT NULL DEFAULT 0,
    "average_order_value" DECIMAL(20,4) NOT NULL,
    "shopifyql_net_sales" DECIMAL(20,4),
    "cross_checked_at" TIMESTAMPTZ(3),
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "daily_metrics_pkey" PRIMARY KEY ("shop","date")
);

-- CreateIndex
CREATE INDEX "sessions_shop_idx" ON "sessions"("shop");

-- CreateIndex
CREATE INDEX "shops_install_state_idx" ON "shops"("install_state");

-- CreateIndex
CREATE INDEX "sync_runs_shop_resource_created_at_idx" ON "sync_runs"("shop", "resource", "created_at");

-- CreateIndex
CREATE INDEX "sync_runs_shop_status_idx" ON "sync_runs"("shop", "status");

-- CreateIndex
CREATE INDEX "sync_runs_bulk_operation_id_idx" ON "sync_runs"("bulk_operation_id");

-- CreateIndex
CREATE INDEX "raw_records_shop_status_idx" ON "raw_records"("shop", "status");

-- CreateIndex
CREATE INDEX "raw_records_shop_resource_gid_idx" ON "raw_records"("shop", "resource", "gid");

-- CreateIndex
CREATE INDEX "raw_records_sync_run_id_idx" ON "raw_records"("sync_run_id");

-- CreateIndex
CREATE UNIQUE INDEX "raw_records_shop_hash_key" ON "raw_records"("shop", "hash");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_key" ON "webhook_deliveries"("webhook_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_shop_received_at_idx" ON "webhook_deliveries"("shop", "received_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_shop_topic_idx" ON "webhook_deliveries"("shop", "topic");

-- CreateIndex
CREATE INDEX "activity_events_shop_created_at_idx" ON "activity_events"("shop", "created_at");

-- CreateIndex
CREATE INDEX "activity_events_shop_resource_created_at_idx" ON "activity_events"("shop", "resource", "created_at");

-- CreateIndex
CREATE INDEX "integrity_reports_shop_started_at_idx" ON "integrity_reports"("shop", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_dedupe_key_key" ON "jobs"("dedupe_key");

-- CreateIndex
CREATE INDEX "jobs_status_run_at_idx" ON "jobs"("status", "run_at");

-- CreateIndex
CREATE INDEX "jobs_shop_status_idx" ON "jobs"("shop", "status");

-- CreateIndex
CREATE INDEX "orders_shop_created_at_idx" ON "orders"("shop", "created_at");

-- CreateIndex
CREATE INDEX "orders_shop_updated_at_idx" ON "orders"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "orders_shop_processed_at_idx" ON "orders"("shop", "processed_at");

-- CreateIndex
CREATE INDEX "orders_shop_name_idx" ON "orders"("shop", "name");

-- CreateIndex
CREATE INDEX "orders_shop_customer_id_idx" ON "orders"("shop", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_shop_gid_key" ON "orders"("shop", "gid");

-- CreateIndex
CREATE INDEX "line_items_shop_order_id_idx" ON "line_items"("shop", "order_id");

-- CreateIndex
CREATE INDEX "line_items_shop_product_id_idx" ON "line_items"("shop", "product_id");

-- CreateIndex
CREATE INDEX "line_items_shop_variant_id_idx" ON "line_items"("shop", "variant_id");

-- CreateIndex
CREATE INDEX "line_items_shop_sku_idx" ON "line_items"("shop", "sku");

-- CreateIndex
CREATE INDEX "products_shop_created_at_idx" ON "products"("shop", "created_at");

-- CreateIndex
CREATE INDEX "products_shop_updated_at_idx" ON "products"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "products_shop_title_idx" ON "products"("shop", "title");

-- CreateIndex
CREATE INDEX "products_shop_handle_idx" ON "products"("shop", "handle");

-- CreateIndex
CREATE UNIQUE INDEX "products_shop_gid_key" ON "products"("shop", "gid");

-- CreateIndex
CREATE INDEX "product_variants_shop_product_id_idx" ON "product_variants"("shop", "product_id");

-- CreateIndex
CREATE INDEX "product_variants_shop_sku_idx" ON "product_variants"("shop", "sku");

-- CreateIndex
CREATE INDEX "product_variants_shop_updated_at_idx" ON "product_variants"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "product_variants_shop_inventory_item_id_idx" ON "product_variants"("shop", "inventory_item_id");

-- CreateIndex
CREATE INDEX "product_images_shop_product_id_idx" ON "product_images"("shop", "product_id");

-- CreateIndex
CREATE INDEX "customers_shop_created_at_idx" ON "customers"("shop", "created_at");

-- CreateIndex
CREATE INDEX "customers_shop_updated_at_idx" ON "customers"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "customers_shop_last_name_first_name_idx" ON "customers"("shop", "last_name", "first_name");

-- CreateIndex
CREATE INDEX "customers_shop_email_idx" ON "customers"("shop", "email");

-- CreateIndex
CREATE UNIQUE INDEX "customers_shop_gid_key" ON "customers"("shop", "gid");

-- CreateIndex
CREATE INDEX "customer_addresses_shop_customer_id_idx" ON "customer_addresses"("shop", "customer_id");

-- CreateIndex
CREATE INDEX "locations_shop_name_idx" ON "locations"("shop", "name");

-- CreateIndex
CREATE INDEX "inventory_items_shop_sku_idx" ON "inventory_items"("shop", "sku");

-- CreateIndex
CREATE INDEX "inventory_items_shop_variant_id_idx" ON "inventory_items"("shop", "variant_id");

-- CreateIndex
CREATE INDEX "inventory_items_shop_updated_at_idx" ON "inventory_items"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "inventory_levels_shop_location_id_idx" ON "inventory_levels"("shop", "location_id");

-- CreateIndex
CREATE INDEX "inventory_levels_shop_updated_at_idx" ON "inventory_levels"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "order_transactions_shop_order_id_idx" ON "order_transactions"("shop", "order_id");

-- CreateIndex
CREATE INDEX "order_transactions_shop_created_at_idx" ON "order_transactions"("shop", "created_at");

-- CreateIndex
CREATE INDEX "refunds_shop_order_id_idx" ON "refunds"("shop", "order_id");

-- CreateIndex
CREATE INDEX "refunds_shop_created_at_idx" ON "refunds"("shop", "created_at");

-- CreateIndex
CREATE INDEX "refund_line_items_shop_order_id_idx" ON "refund_line_items"("shop", "order_id");

-- CreateIndex
CREATE INDEX "refund_line_items_shop_line_item_id_idx" ON "refund_line_items"("shop", "line_item_id");

-- CreateIndex
CREATE INDEX "payouts_shop_issued_at_idx" ON "payouts"("shop", "issued_at");

-- CreateIndex
CREATE INDEX "disputes_shop_initiated_at_idx" ON "disputes"("shop", "initiated_at");

-- CreateIndex
CREATE INDEX "disputes_shop_order_id_idx" ON "disputes"("shop", "order_id");

-- CreateIndex
CREATE INDEX "balance_transactions_shop_transaction_date_idx" ON "balance_transactions"("shop", "transaction_date");

-- CreateIndex
CREATE INDEX "balance_transactions_shop_payout_id_idx" ON "balance_transactions"("shop", "payout_id");

-- CreateIndex
CREATE INDEX "balance_transactions_shop_order_id_idx" ON "balance_transactions"("shop", "order_id");

-- CreateIndex
CREATE INDEX "discounts_shop_created_at_idx" ON "discounts"("shop", "created_at");

-- CreateIndex
CREATE INDEX "discounts_shop_updated_at_idx" ON "discounts"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "discounts_shop_title_idx" ON "discounts"("shop", "title");

-- CreateIndex
CREATE INDEX "discount_codes_shop_discount_id_idx" ON "discount_codes"("shop", "discount_id");

-- CreateIndex
CREATE INDEX "discount_codes_shop_code_idx" ON "discount_codes"("shop", "code");

-- CreateIndex
CREATE INDEX "marketing_events_shop_started_at_idx" ON "marketing_events"("shop", "started_at");

-- CreateIndex
CREATE INDEX "fulfillments_shop_order_id_idx" ON "fulfillments"("shop", "order_id");

-- CreateIndex
CREATE INDEX "fulfillments_shop_created_at_idx" ON "fulfillments"("shop", "created_at");

-- CreateIndex
CREATE INDEX "fulfillments_shop_updated_at_idx" ON "fulfillments"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "fulfillment_line_items_shop_fulfillment_id_idx" ON "fulfillment_line_items"("shop", "fulfillment_id");

-- CreateIndex
CREATE INDEX "fulfillment_line_items_shop_order_id_idx" ON "fulfillment_line_items"("shop", "order_id");

-- CreateIndex
CREATE INDEX "fulfillment_line_items_shop_line_item_id_idx" ON "fulfillment_line_items"("shop", "line_item_id");

-- CreateIndex
CREATE INDEX "abandoned_checkouts_shop_created_at_idx" ON "abandoned_checkouts"("shop", "created_at");

-- CreateIndex
CREATE INDEX "abandoned_checkouts_shop_updated_at_idx" ON "abandoned_checkouts"("shop", "updated_at");

-- CreateIndex
CREATE INDEX "abandoned_checkouts_shop_name_idx" ON "abandoned_checkouts"("shop", "name");

-- CreateIndex
CREATE INDEX "reports_shop_name_idx" ON "reports"("shop", "name");

-- CreateIndex
CREATE UNIQUE INDEX "reports_shop_key_key" ON "reports"("shop", "key");

-- CreateIndex
CREATE INDEX "report_rows_shop_report_id_captured_at_idx" ON "report_rows"("shop", "report_id", "captured_at");

-- CreateIndex
CREATE UNIQUE INDEX "report_rows_shop_report_id_run_id_row_index_key" ON "report_rows"("shop", "report_id", "run_id", "row_index");

-- CreateIndex
CREATE INDEX "analytics_snapshots_shop_computed_at_idx" ON "analytics_snapshots"("shop", "computed_at");

-- CreateIndex
CREATE UNIQUE INDEX "analytics_snapshots_shop_kind_period_start_period_end_key" ON "analytics_snapshots"("shop", "kind", "period_start", "period_end");

