// A front end's view of the API: urql (@urql/core, @urql/exchange-persisted) under Node.
// node urql_client.cjs <graphql url>; prints one JSON line of what the client saw.
const { Client, fetchExchange, gql } = require('@urql/core');
const { persistedExchange } = require('@urql/exchange-persisted');

const COMPARE = gql`
  query JsCompare($models: [String!]!) {
    compare(models: $models) {
      models { slug name }
      sections { key rows { key cells { model display } } }
    }
  }
`;
const FORWARD = gql`
  query JsForward($first: Int!, $after: String) {
    models(first: $first, after: $after, orderBy: {field: NAME}) {
      edges { cursor node { slug } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;
const BACKWARD = gql`
  query JsBackward($last: Int!, $before: String) {
    models(last: $last, before: $before, orderBy: {field: NAME}) {
      edges { cursor node { slug } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;
const PERSISTED = gql`
  query JsPersistedTasks { tasks { nodes { slug } } }
`;
const MODEL_ID = gql`
  query JsModelId($slug: String!) { model(slug: $slug) { id slug } }
`;
const NODE = gql`
  query JsNode($id: ID!) { node(id: $id) { __typename ... on Model { slug name } } }
`;

const requests = [];

async function recordingFetch(input, init) {
  const url = new URL(typeof input === 'string' ? input : input.url);
  const method = (init && init.method) || 'GET';
  let body = {};
  if (method === 'POST' && init && init.body) body = JSON.parse(init.body);
  const response = await fetch(input, init);
  requests.push({
    method,
    sentDocument: Boolean(url.searchParams.get('query') || body.query),
    sentHash: Boolean(url.searchParams.get('extensions') || body.extensions),
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    etag: response.headers.get('etag'),
  });
  return response;
}

function client(url, exchanges) {
  return new Client({ url, exchanges, fetch: recordingFetch, requestPolicy: 'network-only' });
}

async function run(clientInstance, document, variables) {
  const result = await clientInstance.query(document, variables).toPromise();
  if (result.error) throw new Error(`${document.definitions[0].name.value}: ${result.error.message}`);
  return result.data;
}

const slugs = (connection) => connection.edges.map((edge) => edge.node.slug);

async function main() {
  const url = process.argv[2];
  const plain = client(url, [fetchExchange]);
  const seen = {};

  const compared = (await run(plain, COMPARE, { models: ['gpt-5.2', 'paligemma'] })).compare;
  seen.compare = {
    models: compared.models.map((model) => model.slug),
    sections: compared.sections.map((section) => section.key),
    contextWindow: compared.sections
      .flatMap((section) => section.rows)
      .filter((row) => row.key === 'context_window')
      .map((row) => row.cells.map((cell) => [cell.model, cell.display])),
  };

  const first = (await run(plain, FORWARD, { first: 3 })).models;
  const second = (await run(plain, FORWARD, { first: 3, after: first.pageInfo.endCursor })).models;
  const back = (await run(plain, BACKWARD, { last: 3, before: second.pageInfo.startCursor })).models;
  seen.pages = {
    first: slugs(first),
    second: slugs(second),
    back: slugs(back),
    secondHasPrevious: second.pageInfo.hasPreviousPage,
    backHasNext: back.pageInfo.hasNextPage,
  };

  // Automatic persisted queries: the first client teaches the server the document; a second
  // client (another browser, nothing cached) then sends the hash alone, by GET.
  const persistedExchanges = () => [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange];
  const before = requests.length;
  const taught = await run(client(url, persistedExchanges()), PERSISTED);
  const teaching = requests.slice(before);
  const hit = await run(client(url, persistedExchanges()), PERSISTED);
  seen.persisted = {
    teaching,
    hitting: requests.slice(before + teaching.length),
    sameAnswer: JSON.stringify(taught) === JSON.stringify(hit),
    tasks: hit.tasks.nodes.length,
  };

  const { model } = await run(plain, MODEL_ID, { slug: 'paligemma' });
  const { node } = await run(plain, NODE, { id: model.id });
  seen.node = { id: model.id, typename: node.__typename, slug: node.slug };

  console.log(JSON.stringify(seen));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
