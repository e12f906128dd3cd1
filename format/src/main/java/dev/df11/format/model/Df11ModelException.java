package dev.df11.format.model;

import java.io.IOException;
import java.nio.file.Path;

/** A model folder that cannot be used as asked: bad config.json, missing pieces, an impossible pattern. */
public class Df11ModelException extends IOException {

    public Df11ModelException(Path where, String problem) {
        super(where + ": " + problem);
    }

    public Df11ModelException(Path where, String problem, Throwable cause) {
        super(where + ": " + problem, cause);
    }
}
