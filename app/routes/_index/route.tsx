import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";

import { login } from "../../shopify.server";

import styles from "./styles.module.css";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  // Opened from the Shopify admin (or an install link): go straight into the embedded app.
  if (url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return { showForm: Boolean(login) };
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();

  return (
    <div className={styles.index}>
      <div className={styles.content}>
        <h1 className={styles.heading}>StoreSync</h1>
        <p className={styles.text}>
          A complete, always up-to-date copy of your Shopify store in your own database.
        </p>
        {showForm && (
          <Form className={styles.form} method="post" action="/auth/login">
            <label className={styles.label}>
              <span>Shop domain</span>
              <input className={styles.input} type="text" name="shop" />
              <span>e.g: my-shop-domain.myshopify.com</span>
            </label>
            <button className={styles.button} type="submit">
              Log in
            </button>
          </Form>
        )}
        <ul className={styles.list}>
          <li>
            <strong>Everything, exactly.</strong> Orders, products, customers, inventory, payouts
            and more, row for row.
          </li>
          <li>
            <strong>Kept in sync.</strong> Webhooks and scheduled checks keep the copy current.
          </li>
          <li>
            <strong>Proven.</strong> Integrity reports compare your copy with Shopify and heal
            drift.
          </li>
        </ul>
      </div>
    </div>
  );
}
