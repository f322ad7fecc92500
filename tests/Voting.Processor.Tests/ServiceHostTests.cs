using Microsoft.AspNetCore.Mvc.Testing;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class ServiceHostTests(WebApplicationFactory<Program> factory)
    : ServiceHostContract<Program>(factory), IClassFixture<WebApplicationFactory<Program>>
{
    protected override string[] ExpectedChecks => ["clickhouse", "kafka", "mysql", "schema"];
}
