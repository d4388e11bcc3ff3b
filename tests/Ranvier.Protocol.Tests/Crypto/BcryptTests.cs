using Ranvier.Protocol.Crypto;

namespace Ranvier.Protocol.Tests.Crypto;

public class BcryptTests
{
    // Published vectors: the jBCrypt / OpenBSD test set ($2a$, costs 6 to 12) and Openwall's crypt_blowfish
    // "U*U" vector; cross-checked with libxcrypt's crypt(3).
    [Theory]
    [InlineData("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [InlineData("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe")]
    [InlineData("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO")]
    [InlineData("", "$2a$08$HqWuK6/Ng6sg9gQzbLrgb.Tl.ZHfXLhvt/SgVyWhQqgqcZ7ZuUtye")]
    [InlineData("abc", "$2a$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi")]
    [InlineData("abc", "$2b$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi")]
    [InlineData("", "$2a$12$k42ZFHFWqBp3vWli.nIn8uYyIkbvYRvodzbfbK18SSsY.CsIQPlxO")]
    [InlineData("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("pässwörd", "$2b$04$abcdefghijklmnopqrstuuyx2n0Zzopyr9QuYTMCfOJJOj526QVoC")]
    public void Published_vectors_verify(string password, string hash)
    {
        Bcrypt.IsBcrypt(hash).ShouldBeTrue();
        Bcrypt.Verify(hash, password).ShouldBeTrue();
        Bcrypt.Verify(hash, password + "x").ShouldBeFalse();
    }

    [Fact]
    public void Hashing_with_a_known_salt_reproduces_the_vector()
    {
        var salt = new byte[16];
        var hash = Bcrypt.Hash("abc", salt, 4);

        hash.ShouldStartWith("$2b$04$" + "......................");
        hash.Length.ShouldBe(60);
        Bcrypt.Verify(hash, "abc").ShouldBeTrue();
        Bcrypt.Hash("abc", salt, 4, "$2a$").ShouldBe("$2a$" + hash[4..]);
    }

    [Fact]
    public void Only_the_first_72_bytes_of_the_password_count()
    {
        const string hash = "$2b$05$abcdefghijklmnopqrstuuLkMZtUsVwf9Ptg/wgiNv8ZhtnAHnix.";
        var seventyTwo = string.Concat(Enumerable.Repeat("0123456789", 8))[..72];

        Bcrypt.Verify(hash, seventyTwo).ShouldBeTrue();
        Bcrypt.Verify(hash, seventyTwo + "89").ShouldBeTrue();
        Bcrypt.Verify(hash, seventyTwo[..71]).ShouldBeFalse();
    }

    [Theory]
    [InlineData("$2x$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")] // the buggy variant
    [InlineData("$2a$03$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")] // cost below 4
    [InlineData("$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s")] // truncated
    [InlineData("$2a$06$DCq7YPn5Rq63x1Lad4cll+TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")] // not bcrypt base64
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA")]
    public void Malformed_or_foreign_hashes_never_verify(string hash)
    {
        Bcrypt.IsBcrypt(hash).ShouldBeFalse();
        Bcrypt.Verify(hash, "").ShouldBeFalse();
    }
}
