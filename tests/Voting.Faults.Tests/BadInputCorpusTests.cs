using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Faults.Tests;

/// <summary>
/// Every request of the bad-input corpus (<c>BadInput/*.json</c>) against a real ingest instance (real
/// Kestrel) with the processor behind it: each gets its documented 4xx as problem details, and
/// nothing reaches Kafka or the database.
/// </summary>
public sealed class BadInputCorpusTests
{
    [Fact]
    public async Task Every_request_of_the_bad_input_corpus_gets_its_documented_4xx_and_nothing_is_produced_or_stored()
    {
        var corpus = BadInputCase.All();
        Assert.True(corpus.Count >= 30, $"the corpus in {BadInputCase.Folder} has {corpus.Count} cases");
        var documented = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "vote-api-errors.md"));

        await using var pipeline = new FaultPipeline("badinput");
        pipeline.Settings["Voting__Elections__10__StateCandidates__WY__0"] = "harper";
        pipeline.Settings["Voting__Elections__10__StateCandidates__WY__1"] = "morgan";
        AddElection(pipeline, 11, "-closed", DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(-1));
        AddElection(pipeline, 12, "-later", DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(2));
        await pipeline.StartAsync(ingestInstances: 1);
        var ingest = pipeline.IngestAddresses[0];
        using var client = new HttpClient { BaseAddress = ingest, Timeout = TimeSpan.FromSeconds(60) };

        var failures = new List<string>();
        var warmUpReceipts = new List<string>();
        var verdicts = new StringBuilder();
        foreach (var @case in corpus)
        {
            var voter = "bad-" + @case.Name;
            var token = TokenFor(pipeline, @case, voter);
            if (@case.Token == "replayed")
            {
                using var first = await SendAsync(client, token, Encoding.UTF8.GetBytes("""{"candidate":"harper"}"""), "application/json", chunked: false);
                Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
                using var receipt = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
                warmUpReceipts.Add(receipt.RootElement.GetProperty("receipt").GetString()!);
            }

            var (status, type, body) = @case.DripMilliseconds is { } drip
                ? await DripAsync(ingest, token!, @case.BodyBytes(), TimeSpan.FromMilliseconds(drip))
                : await AnswerAsync(client, token, @case);
            var verdict = status == @case.Expect.Status && type == VoteProblemType(@case.Expect.Type)
                && (@case.Expect.Detail is null || @case.Expect.Detail == ProblemDetail(body)) ? "ok" : "WRONG";
            verdicts.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{verdict,-5} {@case.Name,-40} {status} {type}");
            if (verdict != "ok")
            {
                failures.Add($"{@case.Name} ({@case.Why}): expected {@case.Expect.Status} {@case.Expect.Type} {@case.Expect.Detail}, got {status} {type}: {body}");
            }

            if (!documented.Contains(@case.Expect.Type, StringComparison.Ordinal))
            {
                failures.Add($"{@case.Name}: problem type '{@case.Expect.Type}' is not documented in docs/vote-api-errors.md");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\n" + verdicts);

        // Nothing produced but the replayed token's first, valid vote; nothing stored but that ballot.
        using (var positions = new KafkaPositions(pipeline.Kafka))
        {
            Assert.Equal(warmUpReceipts.Count, positions.Ends(pipeline.Kafka.VotesTopic).Values.Sum());
        }

        await pipeline.SettleAsync();
        Assert.Equal(warmUpReceipts, await pipeline.StoredReceiptsAsync());
        Assert.Equal((warmUpReceipts.Count, warmUpReceipts.Count), await pipeline.CountRowsAsync());
    }

    private static string VoteProblemType(string type) => "urn:voting:problem:" + type;

    private static string? ProblemDetail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void AddElection(FaultPipeline pipeline, int slot, string suffix, DateTimeOffset opens, DateTimeOffset closes)
    {
        pipeline.Settings[$"Voting__Elections__{slot}__Id"] = pipeline.Election + suffix;
        pipeline.Settings[$"Voting__Elections__{slot}__OpensAt"] = opens.ToString("O");
        pipeline.Settings[$"Voting__Elections__{slot}__ClosesAt"] = closes.ToString("O");
        pipeline.Settings[$"Voting__Elections__{slot}__Candidates__0"] = "harper";
        pipeline.Settings[$"Voting__Elections__{slot}__PseudonymSecret"] = Convert.ToBase64String(FaultPipeline.PseudonymSecret);
    }

    private static string? TokenFor(FaultPipeline pipeline, BadInputCase @case, string voter)
    {
        var options = LocalStack.Bind<VoterTokenOptions>(VoterTokenOptions.Section);
        var tokens = pipeline.Tokens;
        return @case.Token switch
        {
            "valid" or "replayed" => tokens.Issue(voter, @case.State, pipeline.Election),
            "none" => null,
            "garbage" => "abc.def.ghi",
            "basic" => "basic",
            "expired" => tokens.Issue(voter, @case.State, pipeline.Election, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddMinutes(-10)),
            "not-yet-valid" => tokens.Issue(voter, @case.State, pipeline.Election, TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow.AddMinutes(5)),
            "forged" => new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = [Convert.ToBase64String(new byte[32])] }, TimeProvider.System)
                .Issue(voter, @case.State, pipeline.Election),
            "tampered" => Tamper(tokens.Issue(voter, @case.State, pipeline.Election)),
            "unsigned" => Unsigned(tokens.Issue(voter, @case.State, pipeline.Election)),
            "other-algorithm" => Resigned(tokens.Issue(voter, @case.State, pipeline.Election), """{"alg":"HS512","kid":"k0","typ":"JWT"}""", options),
            "critical-extension" => Resigned(tokens.Issue(voter, @case.State, pipeline.Election), """{"alg":"HS256","kid":"k0","crit":["exp"],"exp":0}""", options),
            "other-audience" => new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = options.SigningKeys, Audience = "results" }, TimeProvider.System)
                .Issue(voter, @case.State, pipeline.Election),
            "unknown-election" => tokens.Issue(voter, @case.State, "no-such-election"),
            "closed-election" => tokens.Issue(voter, @case.State, pipeline.Election + "-closed"),
            "future-election" => tokens.Issue(voter, @case.State, pipeline.Election + "-later"),
            var other => throw new InvalidDataException($"{@case.Name}: unknown token kind '{other}'"),
        };
    }

    /// <summary>The payload re-encoded with another state; the signature left as it was.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1]));
        Assert.Contains("\"PA\"", payload, StringComparison.Ordinal);
        parts[1] = Base64UrlEncode(Encoding.UTF8.GetBytes(payload.Replace("\"PA\"", "\"OH\"", StringComparison.Ordinal)));
        return string.Join('.', parts);
    }

    /// <summary>The same claims under <c>alg: none</c> and no signature.</summary>
    private static string Unsigned(string token) =>
        Base64UrlEncode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}""")) + "." + token.Split('.')[1] + ".";

    /// <summary>
    /// The same claims under <paramref name="header"/>, signed again with the authority's own key (HS512
    /// when the header says so): a valid signature the verifier must still refuse.
    /// </summary>
    private static string Resigned(string token, string header, VoterTokenOptions options)
    {
        var signingInput = Base64UrlEncode(Encoding.UTF8.GetBytes(header)) + "." + token.Split('.')[1];
        var key = Convert.FromBase64String(options.SigningKeys[0]);
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = header.Contains("HS512", StringComparison.Ordinal) ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);
        return signingInput + "." + Base64UrlEncode(signature);
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string? token, byte[] body, string contentType, bool chunked, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote")
        {
            Content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body),
        };
        // An empty content type in a case: no Content-Type header at all.
        request.Content.Headers.ContentType = contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType);
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (token == "basic")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("voter:password")));
        }
        else if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    private static async Task<(int Status, string? Type, string Body)> AnswerAsync(HttpClient client, string? token, BadInputCase @case)
    {
        try
        {
            using var response = await SendAsync(client, token, @case.BodyBytes(), @case.ContentType, @case.Chunked, @case.IdempotencyKey);
            var body = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, ProblemType(response.Content.Headers.ContentType?.MediaType, body), body.Length > 300 ? body[..300] : body);
        }
        catch (HttpRequestException e)
        {
            return (0, null, "no answer: " + e.Message);
        }
    }

    private static string? ProblemType(string? mediaType, string body)
    {
        if (mediaType != "application/problem+json")
        {
            return $"(not problem details: {mediaType})";
        }

        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
    }

    /// <summary>A raw HTTP/1.1 request whose body arrives one byte at a time, as a slow-loris client sends it.</summary>
    private static async Task<(int Status, string? Type, string Body)> DripAsync(Uri ingest, string token, byte[] body, TimeSpan pause)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(ingest.Host, ingest.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/vote HTTP/1.1\r\nHost: {ingest.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var reading = ReadResponseAsync(stream);
        foreach (var b in body)
        {
            if (reading.IsCompleted)
            {
                break;
            }

            try
            {
                await stream.WriteAsync(new[] { b });
            }
            catch (IOException)
            {
                break; // the server hung up on us
            }

            await Task.WhenAny(reading, Task.Delay(pause));
        }

        var response = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = response[..split];
        var content = response[(split + 4)..];
        var mediaType = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Split(';')[0].Trim();
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            content = content[(content.IndexOf("\r\n", StringComparison.Ordinal) + 2)..]; // one chunk: size line, data
            content = content[..content.LastIndexOf('}')] + "}";
        }

        return (status, ProblemType(mediaType, content), content);
    }

    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        var buffer = new byte[16_384];
        var text = new StringBuilder();
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var all = text.ToString();
            var split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }

            var lengthHeader = all[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            if (lengthHeader is not null && all.Length - split - 4 >= int.Parse(lengthHeader.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            {
                break;
            }

            if (all.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return text.ToString();
    }
}
