using System.CommandLine;
using System.CommandLine.Invocation;
using Voting.Core.Audit;

namespace Voting.Verifier;

/// <summary>
/// The command line: <c>verify-receipt</c> and <c>verify-consistency</c>. Verdicts go to standard
/// output (<c>VALID: …</c> exit 0, <c>INVALID: …</c> exit 1); anything that prevents a check goes to
/// standard error as <c>ERROR: …</c> with exit 2. Callable in-process, for tests.
/// </summary>
public static class VerifierCli
{
    /// <summary>Exit code when nothing could be checked.</summary>
    public const int CannotCheckExitCode = (int)VerdictOutcome.CannotCheck;

    /// <summary>Parses <paramref name="args"/>, runs the command and writes its one-line verdict.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Where verdicts and help go.</param>
    /// <param name="stderr">Where <c>ERROR:</c> lines go.</param>
    /// <returns>0 valid, 1 invalid, 2 cannot check.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var root = BuildCommand(stdout, stderr);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            await stderr.WriteLineAsync($"ERROR: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (see --help)");
            return CannotCheckExitCode;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("ERROR: cancelled before the check finished");
            return CannotCheckExitCode;
        }
        catch (Exception e)
        {
            // Whatever went wrong, the check was not made: exit 2, one line, no stack trace.
            await stderr.WriteLineAsync($"ERROR: unexpected {e.GetType().Name}: {e.Message}");
            return CannotCheckExitCode;
        }
    }

    private static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var proofOption = new Option<string>("--proof") { Description = "The proof document (JSON, as the audit API serves it)", Required = true, HelpName = "FILE" };
        var rpcOption = new Option<string>("--rpc") { Description = "JSON-RPC URL of a node of the chain the proof is anchored on", Required = true, HelpName = "URL" };
        var contractOption = new Option<string>("--contract")
        {
            Description = "The anchor contract the election authority published (the proof document's own is not trusted: whoever serves it could name a contract of their own)",
            Required = true,
            HelpName = "ADDRESS",
        };
        var receiptOption = new Option<string>("--receipt")
        {
            Description = "Your receipt, as you were given it when you voted (64 hex digits): the proof must be for this ballot, not merely for some ballot",
            Required = true,
            HelpName = "HEX",
        };
        var electionOption = new Option<string>("--election")
        {
            Description = "The election your receipt names (as the vote's answer gave it): the proof must be for this election, not merely for some log in the same contract",
            Required = true,
            HelpName = "ID",
        };
        var chainIdOption = new Option<long>("--chain-id")
        {
            Description = "The id of the chain the election authority published its anchors on: the node must serve that chain, whatever the proof says",
            Required = true,
            HelpName = "ID",
        };
        var timeoutOption = new Option<int>("--timeout") { Description = "Seconds one call to the node may take", DefaultValueFactory = _ => 10, HelpName = "SECONDS" };
        var confirmationsOption = new Option<int>("--confirmations")
        {
            Description = "Blocks that must be mined on top of an anchor before it is trusted (the chain's finality: 96 on Ethereum mainnet); " +
                "a checkpoint anchored in the newest blocks cannot be checked yet (exit 2). 0 trusts the newest block",
            DefaultValueFactory = _ => 0,
            HelpName = "BLOCKS",
        };

        var receipt = new Command(
            "verify-receipt",
            "Check that a ballot receipt is in the election's log: the proof must be for the receipt given, and its audit path must lead to the root anchored on chain for the proof's tree size")
        {
            proofOption, receiptOption, electionOption, rpcOption, chainIdOption, contractOption, timeoutOption, confirmationsOption,
        };
        receipt.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryOpenChain(parse.GetValue(rpcOption), parse.GetValue(timeoutOption), parse.GetValue(confirmationsOption), out var open, out var error))
            {
                return await ReportAsync(error, stdout, stderr);
            }

            if (PublishedAnchor.Refusal(parse.GetValue(electionOption), parse.GetValue(chainIdOption)) is { } refusal)
            {
                return await ReportAsync(Verdict.CannotCheck(refusal), stdout, stderr);
            }

            var published = new PublishedAnchor(parse.GetValue(electionOption)!, parse.GetValue(chainIdOption), parse.GetValue(contractOption)!);

            InclusionProofDocument document;
            try
            {
                document = ProofDocumentReader.ReadInclusion(parse.GetValue(proofOption));
            }
            catch (CannotCheckException e)
            {
                return await ReportAsync(Verdict.CannotCheck(e.Message), stdout, stderr);
            }

            var verdict = await new ReceiptVerifier(open).VerifyAsync(document, published, parse.GetValue(receiptOption)!, cancellationToken);
            return await ReportAsync(verdict, stdout, stderr);
        });

        var consistency = new Command(
            "verify-consistency",
            "Check that the election's log at a later anchored size extends the log at an earlier anchored size (nothing changed or dropped)")
        {
            proofOption, electionOption, rpcOption, chainIdOption, contractOption, timeoutOption, confirmationsOption,
        };
        consistency.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryOpenChain(parse.GetValue(rpcOption), parse.GetValue(timeoutOption), parse.GetValue(confirmationsOption), out var open, out var error))
            {
                return await ReportAsync(error, stdout, stderr);
            }

            if (PublishedAnchor.Refusal(parse.GetValue(electionOption), parse.GetValue(chainIdOption)) is { } refusal)
            {
                return await ReportAsync(Verdict.CannotCheck(refusal), stdout, stderr);
            }

            var published = new PublishedAnchor(parse.GetValue(electionOption)!, parse.GetValue(chainIdOption), parse.GetValue(contractOption)!);

            ConsistencyProofDocument document;
            try
            {
                document = ProofDocumentReader.ReadConsistency(parse.GetValue(proofOption));
            }
            catch (CannotCheckException e)
            {
                return await ReportAsync(Verdict.CannotCheck(e.Message), stdout, stderr);
            }

            var verdict = await new ConsistencyVerifier(open).VerifyAsync(document, published, cancellationToken);
            return await ReportAsync(verdict, stdout, stderr);
        });

        return new RootCommand(
            "Voting verifier: checks inclusion and consistency proofs of an election's ballot log against the roots anchored on chain. " +
            "Needs only the chain's JSON-RPC. Exit codes: 0 VALID, 1 INVALID, 2 cannot check (ERROR on stderr).")
        {
            receipt, consistency,
        };
    }

    private static bool TryOpenChain(string? rpc, int timeoutSeconds, int confirmations, out Func<string, IAnchorLog> open, out Verdict error)
    {
        open = _ => throw new InvalidOperationException("no chain");
        error = Verdict.CannotCheck("");
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = Verdict.CannotCheck($"--rpc '{rpc}' is not an http(s) URL");
            return false;
        }

        if (timeoutSeconds is < 1 or > 600)
        {
            error = Verdict.CannotCheck($"--timeout must be between 1 and 600 seconds; got {timeoutSeconds}");
            return false;
        }

        if (confirmations is < 0 or > 100_000)
        {
            error = Verdict.CannotCheck($"--confirmations must be between 0 and 100000 blocks; got {confirmations}");
            return false;
        }

        open = contract => new ChainAnchorLog(url, contract, TimeSpan.FromSeconds(timeoutSeconds), confirmations);
        return true;
    }

    private static async Task<int> ReportAsync(Verdict verdict, TextWriter stdout, TextWriter stderr)
    {
        await (verdict.Outcome == VerdictOutcome.CannotCheck ? stderr : stdout).WriteLineAsync(verdict.Line);
        return verdict.ExitCode;
    }
}
