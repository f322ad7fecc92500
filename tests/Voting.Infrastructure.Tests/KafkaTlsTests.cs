using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// The clients over the local broker's TLS listener, which (like a cluster run with mutual TLS)
/// takes only clients with a certificate its CA signed.
/// </summary>
public sealed class KafkaTlsTests
{
    [Fact]
    public async Task Votes_travel_over_TLS_with_the_service_s_certificate_and_are_read_back_over_TLS()
    {
        var options = LocalStack.KafkaTls(LocalStack.UniqueName("it_tls"));
        Assert.Empty(Validate(options));

        using (var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(options)).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                var report = await producer.ProduceAsync(options.VotesTopic, new Message<byte[], byte[]> { Key = [(byte)i], Value = [(byte)(100 + i)] });
                Assert.Equal(PersistenceStatus.Persisted, report.Status);
            }
        }

        // Read back through the same listener (the topic reader takes the options as they are).
        var read = TopicReader.ReadAll(options, options.VotesTopic);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)(100 + i)), read.Select(m => m.Message.Value.Single()).Order());
    }

    [Fact]
    public async Task Without_a_client_certificate_nothing_is_sent_and_the_log_says_why()
    {
        var options = LocalStack.KafkaTls(LocalStack.UniqueName("it_tls"));
        options.SslCertificateLocation = "";
        options.SslKeyLocation = "";
        await AssertRefusedAsync(options, "SSL handshake failed");
    }

    [Fact]
    public async Task A_broker_whose_certificate_another_CA_signed_is_not_trusted()
    {
        var options = LocalStack.KafkaTls(LocalStack.UniqueName("it_tls"));
        var foreign = Path.Combine(Path.GetTempPath(), $"voting-foreign-ca-{Guid.NewGuid():N}.pem");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=not the cluster's CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(foreign, ca.ExportCertificatePem());
        }

        try
        {
            options.SslCaLocation = foreign;
            await AssertRefusedAsync(options, "certificate verify failed");
        }
        finally
        {
            File.Delete(foreign);
        }
    }

    [Fact]
    public void A_TLS_setting_with_TLS_off_is_refused_rather_than_sending_in_the_clear()
    {
        var options = LocalStack.Kafka();
        options.SslCaLocation = Path.Combine(LocalStack.KafkaTlsFolder, "ca.pem");
        Assert.Equal(
            "Voting:Kafka:SslCaLocation is set but Voting:Kafka:Security is Plaintext: set Security to Tls, or remove SslCaLocation.",
            Assert.Single(Validate(options)));
    }

    [Fact]
    public void A_certificate_needs_its_key_and_every_file_must_exist()
    {
        var options = LocalStack.KafkaTls();
        options.SslKeyLocation = "";
        options.SslCaLocation = "/nonexistent/ca.pem";
        Assert.Equal(
            [
                "Voting:Kafka:SslCertificateLocation and SslKeyLocation go together: a client certificate needs its key.",
                "Voting:Kafka:SslCaLocation: no file at /nonexistent/ca.pem.",
            ],
            Validate(options));
    }

    /// <summary>A produce through <paramref name="options"/> fails, persisting nothing, and librdkafka's log names <paramref name="reason"/>.</summary>
    private static async Task AssertRefusedAsync(KafkaOptions options, string reason)
    {
        options.RequestTimeoutMs = 4_000;
        var log = new ConcurrentQueue<string>();
        using (var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(options)).SetLogHandler((_, m) => log.Enqueue(m.Message)).Build())
        {
            var refused = await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(
                () => producer.ProduceAsync(options.VotesTopic, new Message<byte[], byte[]> { Key = [1], Value = [2] }));
            Assert.Equal(PersistenceStatus.NotPersisted, refused.DeliveryResult.Status);
        }

        Assert.True(log.Any(m => m.Contains(reason, StringComparison.Ordinal)), $"no '{reason}' in the client's log: {string.Join(" | ", log.Take(5))}");
        Assert.Empty(TopicReader.ReadAll(LocalStack.Kafka(options.VotesTopic), options.VotesTopic));
    }

    private static List<string> Validate(KafkaOptions options) => OptionsValidationTests.Errors(options);
}
