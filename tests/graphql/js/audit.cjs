// The graphql-http audit of a GraphQL-over-HTTP server: node audit.cjs <url>.
// Prints one JSON line: the counts by status and every audit that did not pass.
const { auditServer } = require('graphql-http');

async function main() {
  const results = await auditServer({ url: process.argv[2] });
  const counts = { ok: 0, warn: 0, error: 0 };
  const problems = [];
  for (const result of results) {
    counts[result.status] += 1;
    if (result.status !== 'ok') {
      problems.push({ id: result.id, status: result.status, name: result.name, reason: result.reason });
    }
  }
  console.log(JSON.stringify({ counts, problems }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
