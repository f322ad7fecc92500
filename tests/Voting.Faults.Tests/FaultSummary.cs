using System.Globalization;
using Voting.TestSupport;

namespace Voting.Faults.Tests;

/// <summary>
/// The suite's figures, one row per fault, in <c>TestResults/fault-summary.md</c>; <c>deploy/test.sh</c>
/// prints the table at the end of the run.
/// </summary>
public static class FaultSummary
{
    private static readonly Lock Gate = new();

    public static string FilePath { get; } = Path.Combine(RepositoryRoot.Path, "TestResults", "fault-summary.md");

    public static void Record(FaultOutcome outcome)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            if (!File.Exists(FilePath))
            {
                File.WriteAllText(FilePath,
                    "| fault | votes accepted (202) | told already voted | unanswered | stored | duplicates | lost | note |\n" +
                    "|---|---:|---:|---:|---:|---:|---:|---|\n");
            }

            File.AppendAllText(FilePath, string.Create(CultureInfo.InvariantCulture,
                $"| {outcome.Fault} | {outcome.Accepted} | {outcome.Refused} | {outcome.Unanswered} | {outcome.Stored} | {outcome.Duplicates} | {outcome.Lost} | {outcome.Note} |\n"));
        }
    }
}
