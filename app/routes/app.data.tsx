import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  BlockStack,
  Card,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";

import { formatCell } from "../components/cells";
import { EmptyMessage } from "../components/EmptyMessage";
import { RouteError } from "../components/RouteError";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { browseTable, describeCount } from "../ui/browse.server";
import { BROWSE_TABLES, findBrowseTable, recordPath } from "../ui/tables";

export const meta: MetaFunction = () => [{ title: "Data · StoreSync" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const table = findBrowseTable(params.get("table")) ?? BROWSE_TABLES[0];
  const page = await browseTable(db, session.shop, table.key, {
    search: params.get("q"),
    sort: params.get("sort"),
    direction: params.get("dir"),
    cursor: params.get("cursor"),
    before: params.get("before") === "1",
    parent: params.get("parent"),
  });
  return { ...page, countLabel: describeCount(page.total) };
};

export default function DataPage() {
  const page = useLoaderData<typeof loader>();
  const table = findBrowseTable(page.table) ?? BROWSE_TABLES[0];
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const [query, setQuery] = useState(page.search);
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/data";

  const go = (changes: Record<string, string | null>, keepPage = false) => {
    const next = new URLSearchParams(params);
    if (!keepPage) {
      next.delete("cursor");
      next.delete("before");
    }
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { preventScrollReset: true });
  };

  const sortIndex = table.columns.findIndex((c) => c.field === page.sort);
  const sortable = table.columns.map((c) => table.sorts.some((s) => s.field === c.field));
  const plural = table.label.toLowerCase();
  const parentTable = table.parent ? findBrowseTable(table.parent.table) : undefined;

  return (
    <Page title="Data" subtitle="Every table StoreSync keeps, as it is stored.">
      <TitleBar title="Data" />
      <Layout>
        <Layout.Section>
          <Card>
            <Form
              method="get"
              onSubmit={(event) => {
                event.preventDefault();
                go({ q: query.trim() || null });
              }}
            >
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="400" alignItems="end">
                <Select
                  label="Table"
                  options={BROWSE_TABLES.map((t) => ({ label: t.label, value: t.key }))}
                  value={table.key}
                  onChange={(value) => {
                    setQuery("");
                    setParams(new URLSearchParams({ table: value }));
                  }}
                />
                <TextField
                  label="Search"
                  name="q"
                  value={query}
                  onChange={setQuery}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => {
                    setQuery("");
                    go({ q: null });
                  }}
                  placeholder={table.searchHint || "This table has no search"}
                  disabled={table.search.length === 0}
                  helpText={table.search.length ? `Starts with: ${table.searchHint}` : undefined}
                />
                <Select
                  label="Sort by"
                  options={table.sorts.flatMap((s) => [
                    { label: `${s.label} (newest / Z–A first)`, value: `${s.field}:desc` },
                    { label: `${s.label} (oldest / A–Z first)`, value: `${s.field}:asc` },
                  ])}
                  value={`${page.sort}:${page.direction}`}
                  onChange={(value) => {
                    const [sort, dir] = value.split(":");
                    go({ sort, dir });
                  }}
                />
              </InlineGrid>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            <InlineStack align="space-between">
              <Text as="p" tone="subdued" aria-live="polite">
                {`${page.total.capped ? "More than" : "About"} ${page.countLabel.replace(/^more than /, "")} ${plural}` +
                  (page.search ? ` matching “${page.search}”` : "") +
                  (page.parent && parentTable
                    ? ` of ${parentTable.label.toLowerCase().replace(/s$/, "")} ${page.parent}`
                    : "")}
              </Text>
              {page.parent ? (
                <Link onClick={() => go({ parent: null })}>Show all {plural}</Link>
              ) : null}
            </InlineStack>
            <Card padding="0">
              {page.rows.length === 0 ? (
                <EmptyMessage
                  heading={page.search ? `No ${plural} match “${page.search}”` : `No ${plural} yet`}
                >
                  {page.search
                    ? `Search looks at the start of: ${table.searchHint}.`
                    : `${table.label} appear here once they are synced from Shopify.`}
                </EmptyMessage>
              ) : (
                <IndexTable
                  resourceName={{ singular: plural.replace(/s$/, ""), plural }}
                  itemCount={page.rows.length}
                  selectable={false}
                  loading={loading}
                  headings={
                    table.columns.map((c) => ({ title: c.label })) as [
                      { title: string },
                      ...{ title: string }[],
                    ]
                  }
                  sortable={sortable}
                  sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
                  sortDirection={page.direction === "asc" ? "ascending" : "descending"}
                  onSort={(index, direction) =>
                    go({
                      sort: table.columns[index].field,
                      dir: direction === "ascending" ? "asc" : "desc",
                    })
                  }
                  pagination={{
                    hasPrevious: Boolean(page.prevCursor),
                    hasNext: Boolean(page.nextCursor),
                    onPrevious: () => go({ cursor: page.prevCursor, before: "1" }, true),
                    onNext: () => go({ cursor: page.nextCursor, before: null }, true),
                  }}
                >
                  {page.rows.map((row, index) => (
                    <IndexTable.Row id={row.key} key={row.key} position={index}>
                      {table.columns.map((column, columnIndex) => (
                        <IndexTable.Cell key={column.field}>
                          {column.field === table.titleField ||
                          (columnIndex === 0 &&
                            !table.columns.some((c) => c.field === table.titleField)) ? (
                            <Link
                              dataPrimaryLink
                              url={recordPath(table.key, row.key)}
                              accessibilityLabel={`Open ${plural.replace(/s$/, "")} ${formatCell(column, row.values, page.currencyCode)}`}
                            >
                              {formatCell(column, row.values, page.currencyCode)}
                            </Link>
                          ) : (
                            formatCell(column, row.values, page.currencyCode)
                          )}
                        </IndexTable.Cell>
                      ))}
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </Card>
            {page.rows.length === 0 && (page.prevCursor || page.nextCursor) ? (
              <Pagination
                hasPrevious={Boolean(page.prevCursor)}
                onPrevious={() => go({ cursor: page.prevCursor, before: "1" }, true)}
                hasNext={Boolean(page.nextCursor)}
                onNext={() => go({ cursor: page.nextCursor, before: null }, true)}
              />
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Data" />;
}
