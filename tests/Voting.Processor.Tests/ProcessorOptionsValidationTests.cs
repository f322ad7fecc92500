using Microsoft.Extensions.Options;
using Voting.Infrastructure.Kafka;

namespace Voting.Processor.Tests;

public sealed class ProcessorOptionsValidationTests
{
    private static ValidateOptionsResult Validate(int groupStallSeconds, int sessionTimeoutMs, bool legacyBroker = false) =>
        new ProcessorOptionsValidation(Options.Create(new KafkaOptions { SessionTimeoutMs = sessionTimeoutMs, LegacyBroker09 = legacyBroker }))
            .Validate(null, new ProcessorOptions { GroupStallSeconds = groupStallSeconds });

    [Fact]
    public void A_group_stall_limit_within_the_session_timeout_is_refused_at_start()
    {
        var refused = Validate(groupStallSeconds: 45, sessionTimeoutMs: 45_000);

        Assert.True(refused.Failed);
        Assert.Equal(
            "Voting:Processor:GroupStallSeconds (45) must be longer than the Kafka session timeout (45000 ms): a join may wait that long for a departed member to expire.",
            refused.FailureMessage);
        Assert.True(Validate(groupStallSeconds: 46, sessionTimeoutMs: 45_000).Succeeded);
    }

    [Fact]
    public void The_defaults_and_a_09_brokers_capped_session_timeout_pass()
    {
        Assert.True(Validate(new ProcessorOptions().GroupStallSeconds, new KafkaOptions().SessionTimeoutMs).Succeeded);
        Assert.True(Validate(groupStallSeconds: 35, sessionTimeoutMs: 45_000, legacyBroker: true).Succeeded); // asks for 30 s
    }
}
