using Microsoft.AspNetCore.Mvc.Testing;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

public sealed class ServiceHostTests(WebApplicationFactory<Program> factory)
    : ServiceHostContract<Program>(factory), IClassFixture<WebApplicationFactory<Program>>
{
    protected override string[] ExpectedChecks => ["chain", "clickhouse", "log-integrity", "mysql", "schema"];
}
