using Microsoft.Extensions.Options;
using Voting.Infrastructure.Kafka;

namespace Voting.Processor;

/// <summary>
/// Checks <see cref="ProcessorOptions"/> against the Kafka settings at start: a group-stall limit no
/// longer than the session timeout would tear the consumer down while a join is still, rightly,
/// waiting for a departed member to expire, over and over.
/// </summary>
public sealed class ProcessorOptionsValidation(IOptions<KafkaOptions> kafka) : IValidateOptions<ProcessorOptions>
{
    public ValidateOptionsResult Validate(string? name, ProcessorOptions options)
    {
        var session = kafka.Value.EffectiveSessionTimeoutMs;
        return options.GroupStallSeconds * 1000L > session
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{ProcessorOptions.Section}:GroupStallSeconds ({options.GroupStallSeconds}) must be longer than the Kafka session timeout ({session} ms): a join may wait that long for a departed member to expire.");
    }
}
