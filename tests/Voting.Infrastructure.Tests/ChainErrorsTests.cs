using Nethereum.Web3;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>What operators read when a chain call fails, for failures of the stack's real node.</summary>
public sealed class ChainErrorsTests
{
    [Fact]
    public async Task An_empty_answer_is_described_as_such_not_as_Nethereums_null_reference()
    {
        await using var proxy = RpcProxy.Start(LocalStack.Chain().RpcUrl);
        var web3 = new Web3(proxy.RpcUrl);
        proxy.FailNext("eth_blockNumber", RpcFault.EmptyAnswer);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => web3.Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.Equal(1, proxy.Faulted);
        Assert.Equal(ChainErrors.NoAnswer, ChainErrors.CauseMessage(e));
        Assert.Contains(ChainErrors.NoAnswer, ChainErrors.Describe(e), StringComparison.Ordinal);
        Assert.DoesNotContain("Object reference", ChainErrors.Describe(e), StringComparison.Ordinal);
        // The next call goes through (it would throw; its block number may be 0 on a fresh chain), unfaulted.
        _ = await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
        Assert.Equal(1, proxy.Faulted);
    }

    [Fact]
    public async Task A_refusal_is_described_by_the_nodes_own_message()
    {
        await using var proxy = RpcProxy.Start(LocalStack.Chain().RpcUrl);
        proxy.FailNext("eth_blockNumber", RpcFault.Refused, "header not found");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => new Web3(proxy.RpcUrl).Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.StartsWith("header not found", ChainErrors.Describe(e), StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_reference_of_our_own_code_keeps_its_message()
    {
        var e = new InvalidOperationException("outer", ThrownHere());

        Assert.False(ChainErrors.IsNoAnswer(e));
        Assert.Equal($"outer (NullReferenceException: {e.InnerException!.Message})", ChainErrors.Describe(e));
        Assert.Equal(e.InnerException.Message, ChainErrors.CauseMessage(e));
    }

    private static NullReferenceException ThrownHere()
    {
        try
        {
            throw new NullReferenceException("a bug of ours");
        }
        catch (NullReferenceException e)
        {
            return e;
        }
    }
}
