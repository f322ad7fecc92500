using Microsoft.AspNetCore.Mvc.Testing;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

public sealed class ServiceHostTests(WebApplicationFactory<Program> factory)
    : ServiceHostContract<Program>(factory), IClassFixture<WebApplicationFactory<Program>>
{
    protected override string[] ExpectedChecks => ["duplicate-filter", "kafka", "mysql", "redis", "schema"];
}
