namespace Voting.Processor.Tests;

/// <summary>The processor's command line: serving (which joins the consumer group and writes) only on a clean settings list.</summary>
public sealed class ProcessorCommandLineTests
{
    [Theory]
    [InlineData(new string[0], "serve")]
    [InlineData(new[] { "--environment", "Local" }, "serve")]
    [InlineData(new[] { "--urls=http://127.0.0.1:5102", "--Voting:Processor:BatchSize", "500" }, "serve")]
    [InlineData(new[] { "reconcile", "us-2028" }, "reconcile")]
    [InlineData(new[] { "rebuild-tallies", "us-2028" }, "rebuild-tallies")]
    [InlineData(new[] { "--help" }, "help")]
    [InlineData(new[] { "--environment", "Local", "-h" }, "help")]
    public void Understood(string[] args, string command)
    {
        Assert.Equal((command, null), ProcessorCommandLine.Parse(args));
    }

    [Theory]
    [InlineData(new[] { "reconcle", "us-2028" }, "unknown command 'reconcle'")]
    [InlineData(new[] { "--environment", "Local", "reconcile", "us-2028" }, "'reconcile' must be the first word")]
    [InlineData(new[] { "--urls=http://127.0.0.1:5102", "rebuild-tallies", "us-2028" }, "'rebuild-tallies' must be the first word")]
    [InlineData(new[] { "--reconcile", "us-2028" }, "did you mean 'reconcile'")]
    [InlineData(new[] { "--Rebuild-Tallies=us-2028" }, "did you mean 'Rebuild-Tallies'")]
    [InlineData(new[] { "--environment", "Local", "stray" }, "'stray' is neither a --setting nor the value of one")]
    [InlineData(new[] { "--environment" }, "'--environment' needs a value")]
    [InlineData(new[] { "--", "x" }, "unknown command '--'")]
    public void Refused(string[] args, string reason)
    {
        var (command, refusal) = ProcessorCommandLine.Parse(args);

        Assert.Null(command);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }
}
