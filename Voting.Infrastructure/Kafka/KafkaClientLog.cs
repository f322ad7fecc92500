using Confluent.Kafka;

namespace Voting.Infrastructure.Kafka;

/// <summary>
/// librdkafka's log, minus its deprecation warning for the Kafka 0.9 settings we set on purpose in
/// the local profile (it repeats for every client and would bury real warnings).
/// </summary>
public static class KafkaClientLog
{
    public static void Write(IClient client, LogMessage message)
    {
        if (message.Facility == "CONFWARN"
            && (message.Message.Contains("api.version.request", StringComparison.Ordinal)
                || message.Message.Contains("broker.version.fallback", StringComparison.Ordinal)))
        {
            return;
        }

        // message.Name, never client.Name: this runs on librdkafka's threads, also while the client
        // is being destroyed, when calling back into its handle would touch freed memory.
        Console.Error.WriteLine($"kafka {message.Level} {message.Facility} [{message.Name}]: {message.Message}");
    }
}
